"""Tables of figures as Excel workbooks: a title row naming the area and month, Chinese headings, and
every value a number a county office can add up — money in yuan with two decimals, ratios as
percentages formatted by Excel, never text."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from fupin.areas.models import Area
from fupin.reports.dashboard import Figure, Table

YUAN_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="C00000")


def cell_value(item: Figure) -> tuple[int | float | Decimal | str | None, str | None]:
    """The figure as Excel should hold it, and its number format."""
    if item.value is None:
        return None, None
    if item.is_money:
        return Decimal(int(item.value)) / 100, YUAN_FORMAT
    if item.is_ratio:
        return float(item.value), PERCENT_FORMAT
    if isinstance(item.value, int):
        return item.value, COUNT_FORMAT
    return item.value, None


def table_title(area: Area, month: str, table: Table) -> str:
    return f"{area.name}（{area.code}）{month} {table.title}"


def table_xlsx(area: Area, month: str, table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.title[:31]
    headings = [table.row_heading, *table.headings]
    sheet.append([table_title(area, month, table)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(headings)
    for cell in sheet[2]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in table.rows:
        sheet.append([row.label])
        for column, item in enumerate(row.figures, start=2):
            value, number_format = cell_value(item)
            cell = sheet.cell(row=sheet.max_row, column=column, value=value)
            if number_format:
                cell.number_format = number_format
    sheet.freeze_panes = "B3"
    sheet.column_dimensions["A"].width = 22
    for column in range(2, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
