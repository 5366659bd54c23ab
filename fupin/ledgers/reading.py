"""Reading a ledger file: XLSX (first sheet) or CSV in UTF-8, UTF-8 with BOM, or GB18030/GBK."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


class UnreadableFile(Exception):
    """The file is not a workbook or CSV that can be read; the message is for the user."""


@dataclass
class Table:
    header: list[str]
    # (Excel row number, cells); the first data row is 2.
    rows: list[tuple[int, list[Cell]]]


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes strictly, else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise UnreadableFile("无法识别CSV文件的编码（应为UTF-8或GB18030/GBK）") from error


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    text = decode_csv(data)
    yield from csv.reader(io.StringIO(text, newline=""))


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises several error types for a damaged file
        raise UnreadableFile(f"无法读取Excel文件：{error}") from error
    for row in rows:
        cells: list[Cell] = list(row)
        yield cells


def _is_blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip().strip("\u3000")) for c in cells)


def read_table(data: bytes, filename: str) -> Table:
    lower = filename.lower()
    if lower.endswith(".csv"):
        raw = _csv_rows(data)
    elif lower.endswith((".xlsx", ".xlsm", ".xls")):
        raw = _xlsx_rows(data)
    else:
        raise UnreadableFile("只支持 .xlsx 或 .csv 文件")
    header_cells = next(raw, None)
    if header_cells is None:
        raise UnreadableFile("文件是空的：第1行应为表头")
    header = ["" if c is None else str(c) for c in header_cells]
    rows = [(number, list(cells)) for number, cells in enumerate(raw, start=2) if not _is_blank(list(cells))]
    return Table(header=header, rows=rows)
