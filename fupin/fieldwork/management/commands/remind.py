"""`fupin remind [--date YYYY-MM-DD] [--area CODE]`: remind the cadres who fell behind that day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.management.arguments import iso_date
from fupin.fieldwork.services.reminders import reminders_send


class Command(BaseCommand):
    help = "为当日落后于考勤进度的干部生成提醒（并按县级设置推送钉钉）；同一天重复运行不会重复提醒。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--area", help="只处理该县（12位区划代码），默认全部县")

    def handle(self, *args: Any, **options: Any) -> None:
        day = iso_date(options["date"]) if options["date"] else timezone.localdate()
        counties = Area.objects.filter(level=AreaLevel.COUNTY)
        if options["area"]:
            counties = counties.filter(code=areacode.county_code_of(options["area"]))
            if not counties.exists():
                raise CommandError(f"没有区划代码为{options['area']}的县")
        run = reminders_send(actor=Actor.system("fupin remind"), day=day, counties=counties)
        self.stdout.write(
            f"{day.isoformat()}：{len(run.counties)}个县，新提醒{run.created}条，"
            f"此前已提醒{run.already}条，钉钉推送成功{run.pushed}条、失败{run.push_failed}条"
        )
