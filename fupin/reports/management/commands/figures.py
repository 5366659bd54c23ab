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
    "employment": "就业帮扶",
    "laborers": "劳动力",
    "poor_laborers": "贫困劳动力",
    "poor_lacking_skills": "缺技能贫困劳动力",
    "poor_lacking_skills_trained": "其中已培训",
    "training_sessions": "本月结束的培训期数",
    "training_person_times": "本月培训人次",
    "training_person_times_to_date": "累计培训人次",
    "welfare_jobs": "公益岗位",
    "welfare_jobs_held": "公益岗位在岗",
    "welfare_jobs_by_funding": "公益岗位按资金来源",
    "community_factories": "社区工厂",
    "factory_workers": "社区工厂务工人员",
    "factory_poor_workers": "其中贫困劳动力",
    "transfer_employment": "转移就业人数",
    "transfer_by_region": "转移就业按地域",
    "transfer_income": "转移就业务工收入（元）",
    "job_postings_open": "在招岗位",
    "job_positions_open": "在招人数",
    "placements": "本月上岗",
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
