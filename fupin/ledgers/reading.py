"""Reading a ledger file: XLSX (first sheet) or CSV in UTF-8, UTF-8 with BOM, or GB18030/GBK."""

from __future__ import annotations

import codecs
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


def csv_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes strictly, else GB18030 (a superset of GBK).

    Checked incrementally, without building the decoded text."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(data[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile("无法识别CSV文件的编码（应为UTF-8或GB18030/GBK）")


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    # Decoded as it is read: a province's ledger is hundreds of megabytes.
    text = io.TextIOWrapper(io.BytesIO(data), encoding=csv_encoding(data), newline="")
    yield from csv.reader(text)


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


@dataclass
class TableStream:
    """A file read lazily: the header, then (Excel row number, cells) for each non-blank row."""

    header: list[str]
    rows: Iterator[tuple[int, list[Cell]]]
    # An upper bound of the data rows, for progress bars.
    estimated_rows: int


def stream_table(data: bytes, filename: str) -> TableStream:
    raw = _raw_rows(data, filename)
    header_cells = next(raw, None)
    if header_cells is None:
        raise UnreadableFile("文件是空的：第1行应为表头")
    header = ["" if c is None else str(c) for c in header_cells]
    # Lines after the header; quoted cells may hold line breaks, so it is an upper bound.
    estimate = max(data.count(b"\n") - 1, 0) if filename.lower().endswith(".csv") else 0
    rows = ((number, list(cells)) for number, cells in enumerate(raw, start=2) if not _is_blank(list(cells)))
    return TableStream(header=header, rows=rows, estimated_rows=estimate)


def _raw_rows(data: bytes, filename: str) -> Iterator[list[Cell]]:
    lower = filename.lower()
    if lower.endswith(".csv"):
        return _csv_rows(data)
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        return _xlsx_rows(data)
    raise UnreadableFile("只支持 .xlsx 或 .csv 文件")


def read_table(data: bytes, filename: str) -> Table:
    stream = stream_table(data, filename)
    return Table(header=stream.header, rows=list(stream.rows))
