"""`fupin checkins-revalidate --area CODE --month YYYY-MM`: judge a month's check-ins again under the
county's current radius and accuracy bound (the month and its straddling ISO weeks)."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.fieldwork.selectors.compliance import quota_rules, span
from fupin.fieldwork.services.checkins import checkins_revalidate
from fupin.fieldwork.tasks import revalidation_q

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class Command(BaseCommand):
    help = "按县级设置的当前有效范围和定位精度上限，重新核验某区划某月（含跨月的周）的打卡。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="区划代码（12位），其内的打卡")
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"没有区划代码为{options['area']}的区划")
        match = MONTH_RE.match(options["month"])
        if not match or not 1 <= int(match[2]) <= 12:
            raise CommandError(f"月份“{options['month']}”应为 YYYY-MM")
        days = span(quota_rules(area.code), int(match[1]), int(match[2]))
        changed = checkins_revalidate(
            actor=Actor.system("fupin checkins-revalidate"),
            checkins=revalidation_q(area.code, days.start, days.end),
        )
        self.stdout.write(
            f"{area.name}{days.start.isoformat()}至{days.end.isoformat()}的打卡已重新核验，{changed}条结论改变"
        )
