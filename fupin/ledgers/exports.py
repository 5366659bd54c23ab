"""Writing ledgers: the downloadable template, exports, and the error report as a workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from fupin.core.scope import Scope
from fupin.ledgers import values as v
from fupin.ledgers.base import Ledger, LedgerError
from fupin.ledgers.values import Parser

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
# Columns kept as text so Excel does not turn an ID number into 6.10727E+17.
_TEXT_PARSERS: tuple[Parser, ...] = (v.id_number, v.text, v.phone_number)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_template(ledger: Ledger) -> bytes:
    """Header row with required columns marked, drop-downs for allowed values, an example sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = ledger.title
    for index, column in enumerate(ledger.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.zh)
        cell.font = _HEADER_FONT
        if column.required:
            cell.fill = _REQUIRED_FILL
        note = f"{column.en}{'（必填）' if column.required else ''}"
        if column.help:
            note += f"\n{column.help}"
        cell.comment = Comment(note, "fupin")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.zh) * 3)
        if column.options and column.key != "categories":
            validation = DataValidation(
                type="list", formula1='"' + ",".join(column.options) + '"', allow_blank=True
            )
            validation.error = f"应为：{'、'.join(column.options)}"
            validation.add(f"{letter}2:{letter}10000")
            sheet.add_data_validation(validation)
        if column.parse in _TEXT_PARSERS or column.key.endswith("code"):
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    example = workbook.create_sheet("示例")
    example.append([column.zh for column in ledger.columns])
    example.append([ledger.example.get(column.zh, "") for column in ledger.columns])
    return _save(workbook)


def ledger_export_xlsx(ledger: Ledger, scope: Scope) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ledger.title)
    sheet.append([column.zh for column in ledger.columns])
    for row in ledger.export_rows(scope):
        sheet.append([row.get(column.key, "") for column in ledger.columns])
    return _save(workbook)


def ledger_export_csv(ledger: Ledger, scope: Scope) -> bytes:
    """UTF-8 with BOM, so that Excel on a Chinese Windows opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.zh for column in ledger.columns])
    for row in ledger.export_rows(scope):
        writer.writerow([row.get(column.key, "") for column in ledger.columns])
    return buffer.getvalue().encode("utf-8-sig")


def error_report_xlsx(errors: Iterable[LedgerError], warnings: Iterable[LedgerError] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "错误报告"
    sheet.append(["台账", "行号", "列", "值", "原因", "级别"])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
    for error in errors:
        sheet.append([error.ledger, error.row, error.column, error.value, error.message, "错误"])
    for warning in warnings:
        sheet.append([warning.ledger, warning.row, warning.column, warning.value, warning.message, "警告"])
    for letter, width in zip("ABCDEF", (12, 8, 16, 24, 60, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    return _save(workbook)
