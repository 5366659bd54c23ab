"""fupin figures --area CODE --month YYYY-MM [--as-of YYYY-MM-DD] [--format json|text]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.people.scope import SUPERUSER
from fupin.reports.figures import figures_area, figures_document

LABELS = {
    "registry": "建档立卡",
    "households": "贫困户（不含注销）",
    "people": "贫困人口",
    "poor_households": "未脱贫户（含返贫）",
    "exited_households": "已脱贫户",
    "relapsed_households": "返贫户",
    "poor_villages": "贫困村",
    "duty": "帮扶责任",
    "paired_cadres": "结对帮扶干部",
    "poor_households_paired": "已结对贫困户",
    "poor_households_unpaired": "未结对贫困户",
    "aid_units": "包村帮扶单位",
    "villages_with_first_secretary": "有第一书记的村",
    "work_team_members": "驻村工作队员",
}


class Command(BaseCommand):
    help = "按统计口径（docs/figures.md）输出某区划某月的统计数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="12位区划代码")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--as-of", dest="as_of", help="存量截止日期 YYYY-MM-DD，默认当月最后一天")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        everything = Scope(role=SUPERUSER, area_prefixes=None)
        try:
            area = figures_area(everything, options["area"])
            document = figures_document(area, options["month"], options["as_of"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{area.name}（{area.code}） {document['month']}，截至 {document['as_of']}")
        for section, figures in document.items():
            if isinstance(figures, dict):
                self.stdout.write(f"\n{LABELS.get(section, section)}")
                for name, value in figures.items():
                    self.stdout.write(f"  {LABELS.get(name, name)}：{value}")
