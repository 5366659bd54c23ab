"""fupin figures --area CODE --month YYYY-MM [--as-of YYYY-MM-DD] [--format json|text] [--raw]
fupin figures --check [--area CODE] [--month YYYY-MM]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.people.scope import SUPERUSER
from fupin.reports.figures import figures_area, figures_document, period_of
from fupin.reports.labels import display_value, figure_label, section_label
from fupin.reports.rollups.check import check_rollups
from fupin.reports.rollups.store import mark_stale_from_changes, rebuild_stale
from fupin.reports.selectors import documents_for


class Command(BaseCommand):
    help = "按统计口径（docs/figures.md）输出某区划某月的统计数据；--check 用原始数据核对统计汇总表。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", help="12位区划代码")
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--as-of", dest="as_of", help="存量截止日期 YYYY-MM-DD，默认当月最后一天")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--raw", action="store_true", help="直接从原始记录计算（不读统计汇总表）")
        parser.add_argument(
            "--check", action="store_true", help="用原始记录重算已生成的统计汇总，报告每一处不一致"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                self._check(options["area"], options["month"])
                return
            if not options["area"] or not options["month"]:
                raise CommandError("请用 --area 和 --month 指定区划和月份")
            area = figures_area(Scope(role=SUPERUSER, area_prefixes=None), options["area"])
            if options["raw"]:
                document = figures_document(area, options["month"], options["as_of"])
            else:
                period = period_of(options["month"], options["as_of"])
                document = documents_for([area], period, build_now=True)[area.code]
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{area.name}（{area.code}） {document['month']}，截至 {document['as_of']}")
        for section, figures in document.items():
            if isinstance(figures, dict):
                self.stdout.write(f"\n{section_label(section)}")
                for name, value in figures.items():
                    self.stdout.write(f"  {figure_label(section, name)}：{display_value(name, value)}")

    def _check(self, area_code: str | None, month: str | None) -> None:
        if area_code and month:
            area = figures_area(Scope(role=SUPERUSER, area_prefixes=None), area_code)
            documents_for([area], period_of(month), build_now=True)
        mark_stale_from_changes()
        rebuild_stale()
        result = check_rollups(area_code, month)
        for difference in result.differences:
            self.stdout.write(str(difference))
        if result.documents == 0:
            raise CommandError("没有可核对的统计汇总：先用 --area 和 --month 生成")
        if result.differences:
            raise CommandError(f"核对 {result.documents} 份统计汇总，发现 {len(result.differences)} 处不一致")
        self.stdout.write(f"核对 {result.documents} 份统计汇总，与原始数据一致")
