"""What a records source is: the rows behind one figure, the columns a person reads them by, the
link to each row's own page, and for a sum (money, people, positions) each row's part of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse

from fupin.areas.models import Area
from fupin.core import idnumber

Rows = QuerySet[Any] | list[Any]
Fetch = Callable[[Area, int, int, dt.date], Rows]


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class RecordSource:
    """`fetch(area, year, month, as_of)` gives the rows in a stable order; `amount(row)` is the row's
    part of a sum figure (None for a count: every row counts one)."""

    fetch: Fetch
    columns: tuple[Column, ...]
    link: Callable[[Any], str | None] | None = None
    amount: Callable[[Any], int | Decimal] | None = None
    amount_header: str = ""


def count_of(rows: Rows) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def each(rows: Rows) -> Iterable[Any]:
    """Every row, a queryset in chunks (a county's list runs to tens of thousands)."""
    return rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else rows


def total_of(source: RecordSource, rows: Rows) -> int | Decimal | None:
    if source.amount is None:
        return None
    return sum((source.amount(row) for row in each(rows)), 0)


_LABELS: dict[tuple[type[Model], str], dict[Any, str]] = {}


def _display(instance: Model, field: str) -> Any:
    """What `get_<field>_display()` gives, from a map built once per field: Django rebuilds the
    choices on each call, which made an Excel file of a county's month of check-ins twice as slow."""
    key = (type(instance), field)
    labels = _LABELS.get(key)
    if labels is None:
        choices = instance._meta.get_field(field).flatchoices  # type: ignore[union-attr]
        labels = _LABELS[key] = {value: str(label) for value, label in choices}
    value = getattr(instance, field)
    return labels.get(value, value)


def attr(path: str) -> Callable[[Any], Any]:
    """A column value read along `a.b.c` (a last step `get_x_display` is x's Chinese label), ""
    when a step is empty."""
    *steps, last = path.split(".")
    display = last[4:-8] if last.startswith("get_") and last.endswith("_display") else None

    def read(row: Any) -> Any:
        value = row
        for name in steps:
            if value is None:
                return ""
            value = getattr(value, name)
        if value is None:
            return ""
        value = _display(value, display) if display else getattr(value, last)
        if callable(value):
            value = value()
        return "" if value is None else value

    return read


def masked_id(path: str) -> Callable[[Any], str]:
    """An ID number (身份证号) column, always masked: records pages and their Excel are lists."""
    read = attr(path)

    def value(row: Any) -> str:
        number = read(row)
        return idnumber.mask(number) if number else ""

    return value


def yuan(path: str) -> Callable[[Any], str]:
    """A fen amount read as yuan with two places."""
    read = attr(path)

    def value(row: Any) -> str:
        fen = read(row)
        return "" if fen == "" else f"{Decimal(int(fen)) / 100:.2f}"

    return value


def link_to(name: str, key: str) -> Callable[[Any], str | None]:
    """The row's own page: URL `name` with the row's `key` (a code or a pk) as its one argument."""
    read = attr(key)

    def url(row: Any) -> str | None:
        value = read(row)
        return reverse(name, args=[value]) if value not in ("", None) else None

    return url


def col(header: str, path: str) -> Column:
    return Column(header, attr(path))
