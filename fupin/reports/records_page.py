"""The records page of a figure (URL "figure-records"): who may see it, what it is called, and its
rows as a page of the table or as one Excel file."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from fupin.areas.models import Area
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.reports.figures import figures_area, parse_as_of, parse_month
from fupin.reports.labels import FIGURES, display_value, figure_label, is_money_fen, section_label
from fupin.reports.records import RecordSource, each, record_source
from fupin.reports.records.base import Rows


class NotAreaWide(ApplicationError):
    """Figures are for county and town accounts only (as the figures API)."""


class OutsideScope(ApplicationError):
    """The area is wider than, or beside, the user's own."""


class UnknownFigure(ApplicationError):
    """The figure path names no figure that has records."""


@dataclass(frozen=True)
class RecordsQuery:
    area: Area
    year: int
    month: int
    as_of: dt.date
    path: str
    source: RecordSource

    @property
    def month_text(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return figure_path_label(self.path)

    @property
    def heading(self) -> str:
        return f"{self.label} · {self.area.name} · {self.year}年{self.month}月"

    def rows(self) -> Rows:
        return self.source.fetch(self.area, self.year, self.month, self.as_of)


def figure_path_label(path: str) -> str:
    """The Chinese name of a figure path: a figure's own name, or its map's name and the entry
    (`按问题类别：医疗保障`, `到岗达标：帮扶干部 · 达标干部`)."""
    section, _, rest = path.partition(".")
    parts = rest.split(".")
    head = figure_label(section, parts[0])
    if len(parts) == 1:
        return head
    if (section, parts[0]) not in FIGURES and (section, parts[-1]) in FIGURES:
        # A section that is itself a map (causes.因病.poor): the section names it.
        return f"{section_label(section)}：{'.'.join(parts[:-1])} · {figure_label(section, parts[-1])}"
    if len(parts) >= 3 and (section, parts[-1]) in FIGURES:
        return f"{head}：{'.'.join(parts[1:-1])} · {figure_label(section, parts[-1])}"
    return f"{head}：{'.'.join(parts[1:])}"


def records_query(scope: Scope, params: Any) -> RecordsQuery:
    """The query of the page, checked as the figures API checks it: area-wide roles only, an area
    inside the scope; then a valid month and as-of date, and a figure that has records."""
    if not scope.is_area_wide:
        raise NotAreaWide("统计数据仅对县、乡镇两级账号开放")
    area = figures_area(scope, params.get("area"))
    if not scope.covers_code(area.code):
        raise OutsideScope("该区划不在您的管辖范围内")
    year, month = parse_month(params.get("month", ""))
    as_of = parse_as_of(params.get("as_of"), year, month)
    path = (params.get("figure") or "").strip()
    source = record_source(path)
    if source is None:
        raise UnknownFigure(
            f"没有“{path}”这项统计数字的明细；请从驾驶舱的数字点进来",
            field_errors={"figure": "统计数字不存在"},
        )
    return RecordsQuery(area, year, month, as_of, path, source)


def total_text(query: RecordsQuery, total: int | Decimal | None) -> str:
    """A sum figure's total as a person reads it (fen as yuan)."""
    if total is None:
        return ""
    key = query.path.rsplit(".", 1)[-1]
    if is_money_fen(key) or query.path.startswith("solar.by_use_fen."):
        return display_value("total_fen", total)
    return display_value(key, total)


def cell(value: Any) -> Any:
    """A value Excel keeps as it is: numbers, dates and text; anything else as its text."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal | dt.date | dt.time | str) or value is None:
        return value
    return str(value)


def records_xlsx(query: RecordsQuery) -> bytes:
    """Every row of the figure, one sheet: the headers, then one line per record."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="明细")
    source = query.source
    sheet.append([column.header for column in source.columns])
    for row in each(query.rows()):
        sheet.append([cell(_naive(column.value(row))) for column in source.columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _naive(value: Any) -> Any:
    """Excel has no time zones: an aware time is written in local time without its zone."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value
