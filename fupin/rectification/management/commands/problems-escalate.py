"""`fupin problems-escalate [--date YYYY-MM-DD] [--area CODE]`: the day's deadline notices (整改提醒)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.management.arguments import iso_date
from fupin.rectification.models import NoticeKind
from fupin.rectification.services.notices import problems_escalate


class Command(BaseCommand):
    help = (
        "生成当日的整改提醒：到期前3天提醒责任人，逾期提醒责任领导，逾期超过7天报县扶贫办；"
        "按县级设置推送钉钉。同一天重复运行不会重复提醒。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--area", help="只处理该区划所在的县（12位区划代码），默认全部县")

    def handle(self, *args: Any, **options: Any) -> None:
        day = iso_date(options["date"]) if options["date"] else timezone.localdate()
        counties = None
        if options["area"]:
            code = areacode.county_code_of(options["area"])
            if not Area.objects.filter(code=code, level=AreaLevel.COUNTY).exists():
                raise CommandError(f"没有区划代码为{options['area']}的县")
            counties = [code]
        run = problems_escalate(actor=Actor.system("fupin problems-escalate"), day=day, county_codes=counties)
        kinds = "，".join(f"{kind.label}{run.created[kind]}条" for kind in NoticeKind)
        self.stdout.write(
            f"{day.isoformat()}：新提醒{run.total}条（{kinds}），"
            f"钉钉推送成功{run.pushed}条、失败{run.push_failed}条"
        )
