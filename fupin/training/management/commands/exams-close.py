"""fupin exams-close: score every attempt left open past its deadline, with the answers saved."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fupin.core.audit import Actor
from fupin.training.services.exams import attempts_close_expired


class Command(BaseCommand):
    help = "按已保存的答案为超过时限仍未交卷的答卷评分。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = attempts_close_expired(actor=Actor.system("考试自动交卷"))
        self.stdout.write(f"已为 {count} 份超时答卷评分。")
