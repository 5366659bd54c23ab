"""The ledger engine: one reader and validator that every ledger plugs into.

A ledger declares its columns (Chinese and English header, required or not, a parser), its key,
the ledgers it depends on, row checks, how references are resolved and how valid rows are written.
The engine reads the file, maps headers in any order, parses every cell, collects *every* error
with its Excel row number, column, value and a Chinese reason, and writes only when there is none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from fupin.core import idnumber
from fupin.core.audit import Actor
from fupin.core.bulk import UpsertResult
from fupin.core.scope import Scope
from fupin.core.text import clean_cell
from fupin.ledgers import values
from fupin.ledgers.reading import Cell, Table, TableStream

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    parse: values.Parser
    required: bool = False
    help: str = ""
    # Allowed labels, offered as a drop-down in the template.
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class LedgerError:
    ledger: str
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "表头"
        column = f"“{self.column}”列" if self.column else ""
        value = f"（值：{self.value}）" if self.value else ""
        return f"[{self.ledger}] {where}{column}{value}：{self.message}"


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    # References resolved to records by the ledger (e.g. "unit" → Unit).
    refs: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportContext:
    actor: Actor
    scope: Scope
    default_area_code: str | None = None
    # What a ledger remembers between the chunks of one streaming import (e.g. numbers seen).
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    ledger: str
    rows: int = 0
    errors: list[LedgerError] = field(default_factory=list)
    warnings: list[LedgerError] = field(default_factory=list)
    result: UpsertResult = field(default_factory=UpsertResult)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class RowErrors:
    """Collects errors for one ledger; a row with an error is not resolved or written."""

    def __init__(self, ledger: Ledger, report: Report) -> None:
        self.ledger = ledger
        self.report = report
        self.bad_rows: set[int] = set()
        # Every row of the file, with or without errors: a reference to a row that has its own
        # error is not reported again as missing.
        self.all_rows: list[ParsedRow] = []

    def add(self, row: int, column_key: str, value: Any, message: str) -> None:
        column = self.ledger.column_title(column_key)
        shown = values.cell_text(value) if not isinstance(value, str) else value
        if column_key.endswith("id_number"):
            # Error reports are downloaded, mailed and printed: an ID number in them stays masked.
            shown = idnumber.mask(shown)
        self.report.errors.append(LedgerError(self.ledger.title, row, column, shown, message))
        self.bad_rows.add(row)


class Ledger:
    name: ClassVar[str]
    title: ClassVar[str]
    key: ClassVar[tuple[str, ...]]
    columns: ClassVar[Sequence[Column]]
    depends_on: ClassVar[tuple[str, ...]] = ()
    example: ClassVar[dict[str, str]] = {}

    # -- what a ledger supplies ------------------------------------------------------------------
    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        """Checks within one row (consistency between columns, scope of referenced codes)."""

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        """Look up references in bulk and store them in row.refs; report those that do not exist."""

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        raise NotImplementedError

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        """Rows keyed by column key, formatted as the ledger's cells."""
        raise NotImplementedError

    # -- the engine ------------------------------------------------------------------------------
    def column_title(self, key: str) -> str:
        for column in self.columns:
            if column.key == key:
                return column.zh
        return key

    def map_header(self, header: list[str], report: Report) -> dict[str, int]:
        names = {column.zh: column for column in self.columns}
        names.update({column.en.lower(): column for column in self.columns})
        positions: dict[str, int] = {}
        for index, raw in enumerate(header):
            name = clean_cell(raw)
            if not name:
                continue
            column = names.get(name) or names.get(name.lower())
            if column is None:
                report.warnings.append(LedgerError(self.title, 1, name, "", "未知的列，已忽略"))
            elif column.key in positions:
                report.errors.append(LedgerError(self.title, 1, name, "", "该列重复出现"))
            else:
                positions[column.key] = index
        for required in self.columns:
            if required.required and required.key not in positions:
                report.errors.append(
                    LedgerError(self.title, 1, required.zh, "", f"缺少必填列“{required.zh}”（{required.en}）")
                )
        return positions

    def parse_rows(
        self, rows: Iterable[tuple[int, list[Cell]]], positions: dict[str, int], errors: RowErrors
    ) -> list[ParsedRow]:
        parsed = []
        placed = [(column, positions.get(column.key)) for column in self.columns]
        for number, cells in rows:
            found: dict[str, Any] = {}
            width = len(cells)
            for column, index in placed:
                cell: Cell = cells[index] if index is not None and index < width else None
                if values.is_empty(cell):
                    if column.required:
                        errors.add(number, column.key, "", "必填项为空")
                    found[column.key] = None
                    continue
                try:
                    found[column.key] = column.parse(cell)
                except ValueError as error:
                    errors.add(number, column.key, cell, str(error))
                    found[column.key] = None
            parsed.append(ParsedRow(number=number, values=found))
        return parsed

    def check_keys(
        self, rows: list[ParsedRow], errors: RowErrors, first_seen: dict[tuple[Any, ...], int] | None = None
    ) -> None:
        first_seen = {} if first_seen is None else first_seen
        for row in rows:
            key = tuple(row.values.get(k) for k in self.key)
            if any(part is None for part in key):
                continue
            if key in first_seen:
                shown = " + ".join(str(part) for part in key)
                errors.add(
                    row.number, self.key[0], shown, f"与第{first_seen[key]}行重复（同一文件中键值不能重复）"
                )
            else:
                first_seen[key] = row.number

    def validate(
        self, table: Table, context: ImportContext, progress: Progress | None = None
    ) -> tuple[Report, list[ParsedRow]]:
        report = Report(ledger=self.title, rows=len(table.rows))
        positions = self.map_header(table.header, report)
        if report.errors:
            return report, []
        errors = RowErrors(self, report)
        rows = self.parse_rows(table.rows, positions, errors)
        errors.all_rows = rows
        for index, row in enumerate(rows):
            if row.number not in errors.bad_rows:
                self.check_row(row, errors, context)
            if progress and index % 500 == 0:
                progress(index, len(rows))
        self.check_keys(rows, errors)
        self.resolve([r for r in rows if r.number not in errors.bad_rows], errors, context)
        if progress:
            progress(len(rows), len(rows))
        report.errors.sort(key=lambda e: e.row)
        return report, rows

    # -- streaming ---------------------------------------------------------------------------------
    # A ledger whose row checks and references need no view of the whole file sets `streaming`:
    # the engine then validates and writes it chunk by chunk, holding one chunk in memory, and the
    # caller's transaction makes the import all-or-nothing. A province's households ledger (a
    # million rows) is imported this way. Keys are still checked across the whole file.
    streaming: ClassVar[bool] = False
    chunk_size: ClassVar[int] = 5000

    def import_fast(
        self, data: bytes, filename: str, context: ImportContext, progress: Progress | None = None
    ) -> Report | None:
        """A faster import of the whole file when the ledger can vouch for it; None to decline, and
        the engine then imports it row by row. A ledger that offers one must write exactly what the
        row engine would, and decline every file that has any error."""
        return None

    def finish(self, errors: RowErrors, context: ImportContext) -> None:
        """Checks that need every row, run after the last chunk (streaming ledgers only)."""

    def import_streaming(
        self, stream: TableStream, context: ImportContext, progress: Progress | None = None
    ) -> Report:
        """Validate every chunk; write chunks while no error has been found. The caller rolls the
        transaction back when the report has errors, so a late error undoes earlier chunks."""
        report = Report(ledger=self.title)
        positions = self.map_header(stream.header, report)
        if report.errors:
            return report
        errors = RowErrors(self, report)
        first_seen: dict[tuple[Any, ...], int] = {}
        for chunk in _chunks(stream.rows, self.chunk_size):
            rows = self.parse_rows(chunk, positions, errors)
            errors.all_rows = rows
            for row in rows:
                if row.number not in errors.bad_rows:
                    self.check_row(row, errors, context)
            self.check_keys(rows, errors, first_seen)
            good = [r for r in rows if r.number not in errors.bad_rows]
            self.resolve(good, errors, context)
            report.rows += len(rows)
            if not report.errors:
                report.result.add(self.write([r for r in good if r.number not in errors.bad_rows], context))
            if progress:
                progress(report.rows, max(stream.estimated_rows, report.rows))
        errors.all_rows = []
        self.finish(errors, context)
        if progress:
            progress(report.rows, report.rows)
        report.errors.sort(key=lambda e: e.row)
        report.written = report.ok
        return report


def _chunks(rows: Iterator[tuple[int, list[Cell]]], size: int) -> Iterator[list[tuple[int, list[Cell]]]]:
    chunk: list[tuple[int, list[Cell]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
