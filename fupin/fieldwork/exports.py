"""The Excel export of the compliance board's shortfall list, equal to what the page shows."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from fupin.fieldwork.selectors.compliance_board import Board, Filters, Row

HEADER = (
    "干部编号",
    "姓名",
    "单位",
    "所在乡镇",
    "干部类别",
    "考勤规则",
    "各期有效天数",
    "缺少天数",
    "请假天数",
    "请假日期",
    "状态",
)


WIDTHS = (12, 10, 24, 20, 14, 30, 48, 10, 10, 30, 10)


# Columns hidden on a phone (the cadre, the rule, the shortfall and the status stay).
SECONDARY = frozenset({2, 3, 6, 9})


def shortfall_workbook(board: Board, filters: Filters, rows: Sequence[Row]) -> bytes:
    """The list as the page shows it: a title, what it was filtered by, the header, the rows."""
    q = board.query
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"{q.year}年{q.month}月考勤"
    title = f"{q.area.name}{q.year}年{q.month}月考勤{'未达标干部名单' if filters.show == 'short' else '情况'}"
    sheet.append([title])
    sheet.append([f"{filters.describe(board)}；导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"])
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row.cells))
    last = len(HEADER)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin", color="999999")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(last)}{len(rows) + 3}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
