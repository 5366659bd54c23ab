"""Excel exports of the indicator pages: a data set's values in the indicator-values ledger's columns
(docs/ledgers.md; the file imports back unchanged), the indicator report of an area, and the key
projects with their investment against the plan."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font

from fupin.core.scope import Scope
from fupin.indicators.models import DataSet, DataValue, ValueKind
from fupin.indicators.models.indicators import period_label
from fupin.indicators.selectors.projects import ProjectTotals
from fupin.indicators.selectors.report import IndicatorReport

KIND_LABELS = {ValueKind.ACTUAL.value: "实际值", ValueKind.PLAN.value: "年度计划"}
# The indicator-values ledger's columns: (key, Chinese header).
VALUE_COLUMNS = (
    ("indicator_code", "指标编码"),
    ("area_code", "区划代码"),
    ("period", "期间"),
    ("kind", "类型"),
    ("value", "数值"),
    ("comment", "说明"),
)
WHOLE = Decimal(1)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_number(value: Decimal) -> Decimal:
    return value.quantize(WHOLE) if value == value.to_integral() else value.normalize()


def value_rows(values: QuerySet[DataValue]) -> Iterable[dict[str, Any]]:
    ordered = values.select_related("indicator").order_by(
        "indicator__code", "area_code", "kind", "year", "period"
    )
    for value in ordered.iterator(chunk_size=2000):
        yield {
            "indicator_code": value.indicator.code,
            "area_code": value.area_code,
            "period": period_label(value.period_type, value.year, value.period),
            "kind": KIND_LABELS[value.kind],
            "value": cell_number(value.value),
            "comment": value.comment,
        }


def data_set_xlsx(data_set: DataSet, scope: Scope, year: int) -> bytes:
    values = DataValue.objects.filter(
        scope.area_q("area_code"), indicator__in=data_set.indicators.all(), year=year
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("指标数据")
    sheet.append([zh for _, zh in VALUE_COLUMNS])
    for row in value_rows(values):
        sheet.append([row[key] for key, _ in VALUE_COLUMNS])
    return _save(workbook)


def _ratio(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _amount(value: Decimal | None, places: int) -> float | str:
    return "" if value is None else float(round(value, places))


def report_xlsx(report: IndicatorReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "主要指标"
    sheet.append([f"{report.area.name}{report.year}年1-{report.month}月主要指标完成情况"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["指标", "单位", "1-本月累计", "年度计划", "完成计划", "上年同期", "同比增长", "缺报期数"])
    for row in report.rows:
        sheet.append(
            [
                row.name,
                row.unit,
                _amount(row.figure.value, row.decimals),
                _amount(row.plan, row.decimals),
                _ratio(row.completion),
                _amount(row.last_year.value, row.decimals),
                _ratio(row.growth),
                len(row.figure.missing),
            ]
        )
    sheet.append([])
    sheet.append(
        [
            "口径：流量指标为1月至本月各月之和，存量指标取本月或之前最近一期的值（不跨月相加），缺报的月份不按零计；"
        ]
    )
    sheet.append(["完成计划＝累计÷年度计划；同比增长＝累计÷上年同期累计−1，任一年有缺报时不计算。"])
    for column, width in zip("ABCDEFGH", (28, 8, 14, 14, 10, 14, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    return _save(workbook)


def projects_xlsx(totals: ProjectTotals) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "重点项目"
    sheet.append([f"{totals.year}年1-{totals.month}月重点项目投资完成情况（万元）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            "项目编号",
            "项目名称",
            "行业",
            "责任单位",
            "区划代码",
            "年度计划投资",
            "累计完成投资",
            "完成计划",
            "未报月份",
        ]
    )
    for line in totals.lines:
        project = line.project
        sheet.append(
            [
                project.code,
                project.name,
                project.get_industry_display(),
                project.owner_unit.name,
                project.area_code,
                _amount(line.plan, 2),
                float(line.completed),
                _ratio(line.completion),
                "、".join(f"{m}月" for m in line.missing_months),
            ]
        )
    sheet.append(
        [
            "合计",
            "",
            "",
            "",
            "",
            float(totals.planned),
            float(totals.completed),
            _ratio(totals.completion),
            "",
        ]
    )
    for column, width in zip("ABCDEFGHI", (14, 30, 10, 24, 15, 14, 14, 10, 20), strict=True):
        sheet.column_dimensions[column].width = width
    return _save(workbook)
