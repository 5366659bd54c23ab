"""The fast path of the households ledger: a CSV file checked slice by slice with Polars.

A province's first import is a million new households. Checked row by row in Python, each costs
about 100 µs before it reaches the database. Here every rule is a vectorised expression over a
slice of 25,000 lines, and no row ever becomes a Python object: each slice is turned into COPY
payloads (fupin.core.copy_frames) on a second thread while the previous one is written, and the
file is never held as one frame, so a million rows stay well under a gigabyte.

The fast path is deliberately narrow: it takes a file only when no cell is quoted (so that a line
is a row), every cell is in its plain form (是/否 for booleans, digits for numbers, an 11-digit
mobile, causes separated by 、), every row is valid and every household is new. It writes inside a
savepoint; when a later slice breaks a rule, or a 户编号 or head ID number turns out to be stored
or repeated, it rolls back and declines (returns None), and the row engine imports the file with
its full error report. So the two paths can never disagree about what a file means, only about
how fast they write it. A test imports the same files both ways and compares every stored value
and change-log row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import IntegrityError, connection, transaction

from fupin.areas.models import Area, AreaLevel
from fupin.core.copy import copy_available
from fupin.ledgers.base import ImportContext, Ledger, Progress, Report
from fupin.ledgers.reading import UnreadableFile, csv_encoding
from fupin.registry.models import Household, PovertyStatus
from fupin.registry.services.households import households_copy_new

SLICE = 25_000
FIRST_SLICE = 5_000
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_YES_NO = {"是": True, "否": False}
_SEPARATOR = "、"


@dataclass(frozen=True)
class _Lines:
    """A CSV file in UTF-8 with no quoted cell, so that every line is a row and the file can be
    read a slice of lines at a time: a province's file is never held as one frame."""

    data: bytes
    header_start: int
    body_start: int
    header: list[str]

    @property
    def line_count(self) -> int:
        """The data lines, blank ones included (an upper bound of the rows)."""
        body = len(self.data) - self.body_start
        return self.data.count(b"\n", self.body_start) + (0 if self.data.endswith(b"\n") or not body else 1)

    def slices(self, rows: int, first: int) -> Iterator[pl.DataFrame]:
        """About `first` lines, then about `rows` at a time, each with the header, every cell as
        text. A small first slice lets the database start early."""
        header = self.data[self.header_start : self.body_start]
        size = len(self.data) - self.body_start
        line_size = size / max(self.line_count, 1)
        start, lines = self.body_start, first
        while start < len(self.data):
            cut = self.data.find(b"\n", start + max(1, int(line_size * lines)))
            lines = rows
            end = len(self.data) if cut < 0 else cut + 1
            try:
                yield pl.read_csv(header + self.data[start:end], infer_schema=False, has_header=True)
            except pl.exceptions.PolarsError as error:  # a ragged line: the row engine explains
                raise _Declined from error
            start = end


def _lines(data: bytes) -> _Lines | None:
    try:
        encoding = csv_encoding(data)
    except UnreadableFile:
        return None
    start = 0
    if encoding == "gb18030":
        data = data.decode("gb18030").encode("utf-8")
    elif data.startswith(b"\xef\xbb\xbf"):
        start = 3
    if b'"' in data:  # a quoted cell may hold a line break or a comma
        return None
    end = data.find(b"\n", start)
    body = len(data) if end < 0 else end + 1
    header = data[start:body].decode("utf-8").rstrip("\r\n").split(",")
    return _Lines(data, start, body, header)


def _id_number_valid(column: pl.Expr) -> pl.Expr:
    """Shape, birth date and GB 11643 check character, as idnumber.id_number_error decides."""
    total = pl.sum_horizontal(
        [column.str.slice(i, 1).cast(pl.Int64, strict=False) * weight for i, weight in enumerate(_WEIGHTS)]
    )
    expected = (total % 11).replace_strict(list(range(11)), list(_CHECK_CHARS), return_dtype=pl.String)
    birth = column.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    return column.str.contains(r"^\d{17}[\dX]$") & birth.is_not_null() & (column.str.slice(17, 1) == expected)


def _integer_in(column: pl.Expr, low: int, high: int, digits: int) -> pl.Expr:
    value = column.cast(pl.Int64, strict=False)
    return column.str.contains(rf"^\d{{1,{digits}}}$") & value.is_between(low, high)


def _decimal_in(column: pl.Expr, low: float, high: float, places: int, signed: bool) -> pl.Expr:
    sign = "-?" if signed else ""
    shape = column.str.contains(rf"^{sign}\d{{1,8}}(\.\d{{1,{places}}})?$")
    return shape & column.cast(pl.Float64, strict=False).is_between(low, high)


def _optional(column: pl.Expr, check: pl.Expr) -> pl.Expr:
    return (column == "") | check


def _rules(labels: Labels) -> list[pl.Expr]:
    """Every cell rule of the households ledger, in plain forms only."""
    c = pl.col
    causes = list(labels.causes)
    other_parts = c("other_causes").str.split(_SEPARATOR)
    return [
        c("code") != "",
        c("village_code").str.contains(r"^\d{12}$"),
        c("head_name") != "",
        _id_number_valid(c("head_id_number").str.to_uppercase()),
        _integer_in(c("size"), 1, 20, 2),
        c("identification_standard").is_in(list(labels.standards)),
        c("category").is_in(list(labels.categories)),
        c("main_cause").is_in(causes),
        c("poverty_status").is_in(list(labels.statuses)),
        _integer_in(c("registered_year"), 2013, 2030, 4),
        _optional(c("exit_year"), _integer_in(c("exit_year"), 2013, 2030, 4)),
        (c("exit_year") != "") | (c("poverty_status") != labels.out),
        (c("exit_year") == "") | (c("exit_year") >= c("registered_year")),
        _optional(c("phone"), c("phone").str.contains(r"^1[3-9]\d{9}$")),
        *(_optional(c(k), c(k).is_in(list(_YES_NO))) for k in labels.booleans),
        _optional(
            c("net_income_per_capita"), _decimal_in(c("net_income_per_capita"), 0, 99_999_999.99, 2, False)
        ),
        _optional(c("longitude"), _decimal_in(c("longitude"), -180, 180, 6, True)),
        _optional(c("latitude"), _decimal_in(c("latitude"), -90, 90, 6, True)),
        _optional(
            c("other_causes"),
            other_parts.list.eval(pl.element().is_in(causes)).list.all()
            & (other_parts.list.len() <= 2)
            & (other_parts.list.n_unique() == other_parts.list.len())
            & ~other_parts.list.contains(c("main_cause")),
        ),
    ]


class _Declined(Exception):
    """The file is not one the fast path takes: what it wrote is rolled back, and the row engine
    imports the file."""


def _refuse_stored_heads(frame: pl.DataFrame) -> None:
    """Run before each slice is written when the registry was not empty: a head ID number already
    stored belongs to the row engine, which reports it (or finds it is the same household's)."""
    numbers = frame.get_column("head_id_number").str.join(",").item()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM registry_household"
            " WHERE head_id_number = ANY(string_to_array(%s, ',')))",
            [numbers],
        )
        (stored,) = cursor.fetchone() or (False,)
    if stored:
        raise _Declined


def _villages(context: ImportContext) -> dict[str, int]:
    """The villages the importer may write to, code → id (a province has some fifteen thousand)."""
    villages = Area.objects.filter(level=AreaLevel.VILLAGE).values_list("code", "pk")
    return {code: pk for code, pk in villages.iterator(chunk_size=5000) if context.scope.covers_code(code)}


def _decimal_text(column: pl.Expr, places: int) -> pl.Expr:
    """The stored value's text, as str() of the row engine's Decimal shows it (106.8 → 106.800000;
    -0.0 keeps its sign there, so it keeps it here); null for an empty cell."""
    text = column.cast(pl.Decimal(38, places)).cast(pl.String)
    signed = (
        pl.when(column.str.starts_with("-") & ~text.str.starts_with("-")).then("-" + text).otherwise(text)
    )
    return pl.when(column == "").then(None).otherwise(signed).alias(column.meta.output_name())


def _value_of(
    column: str, mapping: dict[str, Any], dtype: pl.DataType | type[pl.DataType] = pl.String
) -> pl.Expr:
    return pl.col(column).replace_strict(list(mapping), list(mapping.values()), return_dtype=dtype)


def _stored_values(frame: pl.DataFrame, labels: Labels, villages: dict[str, int]) -> pl.DataFrame:
    """A slice's cells as the households service takes them: stored values, not labels."""
    c = pl.col
    causes = (
        c("other_causes")
        .str.split(_SEPARATOR)
        .list.eval(pl.element().replace_strict(list(labels.causes), list(labels.causes.values())))
    )
    return frame.select(
        c("code"),
        _value_of("village_code", villages, pl.Int64).alias("village_id"),
        c("village_code").alias("area_code"),
        c("head_name"),
        c("head_id_number").str.to_uppercase(),
        c("size").cast(pl.Int16),
        _value_of("identification_standard", labels.standards),
        _value_of("category", labels.categories),
        _value_of("main_cause", labels.causes),
        pl.when(c("other_causes") == "").then(None).otherwise(causes).alias("other_causes"),
        _value_of("poverty_status", labels.statuses),
        c("registered_year").cast(pl.Int16),
        pl.when(c("exit_year") == "").then(None).otherwise(c("exit_year").cast(pl.Int16)).alias("exit_year"),
        c("phone"),
        *(
            c(key).replace_strict(list(_YES_NO), list(_YES_NO.values()), default=None)
            for key in labels.booleans
        ),
        _decimal_text(c("net_income_per_capita"), 2),
        _decimal_text(c("longitude"), 6),
        _decimal_text(c("latitude"), 6),
    )


def _cleaned(part: pl.DataFrame) -> pl.DataFrame:
    """Cells trimmed, blank rows dropped."""
    part = part.select(pl.all().fill_null("").str.strip_chars())
    return part.filter(pl.any_horizontal([pl.col(k) != "" for k in part.columns]))


def _checked_slices(
    lines: _Lines, renamed: list[pl.Expr], labels: Labels, villages: dict[str, int]
) -> Iterator[pl.DataFrame]:
    """The file's slices as stored values, each checked against every rule as it comes: they are
    prepared on a second thread while earlier ones are written. A head ID number met twice in the
    file is refused here; a 户编号 met twice breaks the table's unique constraint."""
    rules = pl.all_horizontal([*_rules(labels), pl.col("village_code").is_in(list(villages))])
    seen_heads = pl.Series(dtype=pl.String)
    for raw in lines.slices(SLICE, first=FIRST_SLICE):
        part = _cleaned(raw.select(renamed))
        if not part.height:
            continue
        heads = part.get_column("head_id_number").str.to_uppercase()
        if (
            not part.select(rules.all()).item()
            or part.get_column("code").is_duplicated().any()
            or heads.is_duplicated().any()
            or heads.is_in(seen_heads.implode()).any()
        ):
            raise _Declined
        seen_heads = pl.concat([seen_heads, heads])
        yield _stored_values(part, labels, villages)


def import_households_fast(
    ledger: Ledger,
    labels: Labels,
    data: bytes,
    filename: str,
    context: ImportContext,
    progress: Progress | None,
) -> Report | None:
    """The report of a fast import, or None when the file is not one the fast path takes."""
    if not copy_available() or not filename.lower().endswith(".csv"):
        return None
    lines = _lines(data)
    if lines is None or lines.line_count == 0:
        return None
    report = Report(ledger=ledger.title)
    positions = ledger.map_header(lines.header, report)
    if report.errors or report.warnings:
        return None
    # Columns renamed to the ledger's keys; an absent optional column is empty.
    renamed = [
        pl.col(lines.header[positions[c.key]]).alias(c.key) if c.key in positions else pl.lit("").alias(c.key)
        for c in ledger.columns
    ]
    total = lines.line_count
    heads_stored = Household.objects.exists()

    def written(rows: int) -> None:
        report.rows = rows
        if progress:
            progress(rows, total)

    try:
        with transaction.atomic():  # a savepoint: a declined file leaves nothing behind
            created = households_copy_new(
                actor=context.actor,
                slices=_checked_slices(lines, renamed, labels, _villages(context)),
                count=total,
                progress=written,
                # Heads stored before this import are looked up; the file's own, in Polars.
                before_write=_refuse_stored_heads if heads_stored else None,
            )
    except (_Declined, IntegrityError):  # a rule broken, or a 户编号 already stored
        return None
    report.result.add(created)
    if report.rows == 0:
        return None
    if progress:
        progress(report.rows, report.rows)
    report.written = True
    return report


@dataclass(frozen=True)
class Labels:
    """The households ledger's label maps (label → stored value)."""

    standards: dict[str, str]
    categories: dict[str, str]
    causes: dict[str, str]
    statuses: dict[str, str]
    booleans: tuple[str, ...]

    @property
    def out(self) -> str:
        return next(label for label, value in self.statuses.items() if value == PovertyStatus.OUT)
