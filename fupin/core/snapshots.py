"""What the change log keeps of a record, declared once for two writers.

A model lists its snapshot as fields (label, attribute, how it is shown). A record is snapshotted
from the list one at a time (`snapshot_of`, the model's audit_snapshot); a province's first import
snapshots a million new records at once from the same list as a Polars expression
(`created_snapshot_json`), so that neither Python nor a second definition stands in the way. A test
imports the same file both ways and compares the change-log rows.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import models

from fupin.core import idnumber, phone
from fupin.core.models import JSON, choice_label

# How a list of choices is shown: the ledgers' own separator (缺资金、缺技术).
LIST_SEPARATOR = "、"


class Shown(enum.Enum):
    AS_IS = "as_is"
    CHOICE = "choice"  # the choice's label
    CHOICE_LIST = "choice_list"  # ",a,b," stored, labels joined by 、
    TEXT = "text"  # str() of the value: decimals, kept exact
    ID_NUMBER = "id_number"  # masked 610727********123X
    PHONE = "phone"  # masked 138****5678, "" for none


@dataclass(frozen=True)
class SnapshotField:
    label: str
    attribute: str
    shown: Shown = Shown.AS_IS
    choices: type[models.Choices] | None = None


def shown_value(field: SnapshotField, value: Any) -> Any:
    """One attribute's value as the change log keeps it."""
    match field.shown:
        case Shown.AS_IS:
            return value
        case Shown.CHOICE:
            assert field.choices is not None
            return choice_label(field.choices, value)
        case Shown.CHOICE_LIST:
            assert field.choices is not None
            choices = field.choices
            return LIST_SEPARATOR.join(choice_label(choices, v) for v in (value or "").split(",") if v)
        case Shown.TEXT:
            return None if value is None else str(value)
        case Shown.ID_NUMBER:
            return idnumber.mask(value)
        case Shown.PHONE:
            return phone.mask(value) if value else ""


def snapshot_of(instance: models.Model, fields: Sequence[SnapshotField]) -> JSON:
    return {field.label: shown_value(field, getattr(instance, field.attribute)) for field in fields}


# -- the same, for a whole frame of new records -------------------------------------------------


def _masked(column: pl.Expr, keep_head: int, keep_tail: int) -> pl.Expr:
    """idnumber.mask / phone.mask: the head and tail kept, the rest starred; all starred when short."""
    length = column.str.len_chars()
    stars = pl.lit("*" * 64).str.slice(0, length - keep_head - keep_tail)
    kept = pl.concat_str([column.str.slice(0, keep_head), stars, column.str.slice(-keep_tail, keep_tail)])
    return pl.when(length < keep_head + keep_tail).then(pl.lit("*" * 64).str.slice(0, length)).otherwise(kept)


def _labels(choices: type[models.Choices]) -> tuple[list[str], list[str]]:
    values = [str(member.value) for member in choices]
    return values, [choice_label(choices, value) for value in values]


def _shown_expr(field: SnapshotField) -> pl.Expr:
    column = pl.col(field.attribute)
    match field.shown:
        case Shown.AS_IS:
            return column
        case Shown.CHOICE:
            assert field.choices is not None
            values, labels = _labels(field.choices)
            return column.replace_strict(values, labels, default=column.cast(pl.String))
        case Shown.CHOICE_LIST:
            assert field.choices is not None
            values, labels = _labels(field.choices)
            parts = column.fill_null("").str.strip_chars(",").str.split(",")
            shown = parts.list.eval(pl.element().replace_strict(values, labels, default=pl.element()))
            return shown.list.join(LIST_SEPARATOR)
        case Shown.TEXT:
            return column.cast(pl.String)
        case Shown.ID_NUMBER:
            return _masked(column, 6, 4)
        case Shown.PHONE:
            return pl.when(column.fill_null("") == "").then(pl.lit("")).otherwise(_masked(column, 3, 4))


def created_snapshot_texts(frame: pl.DataFrame, fields: Sequence[SnapshotField]) -> pl.Series:
    """The JSON text of each row's CREATE snapshot: `snapshot_of`, less the empty fields, as
    audit.created_snapshot keeps it.

    The text is assembled from one `"label":value` piece per field, an empty field's piece being
    null and skipped. A text column is quoted as it is unless some cell needs escaping; then the
    column goes through Polars' own JSON encoder.
    """
    shown = frame.select([_shown_expr(field).alias(str(i)) for i, field in enumerate(fields)])
    pieces = [
        _piece(shown.get_column(str(i)), field.label)
        for i, field in enumerate(fields)
        if shown.schema[str(i)] != pl.Null  # a field that no row has
    ]
    texts = pl.concat_str(pieces, separator=",", ignore_nulls=True)
    return shown.select(pl.concat_str([pl.lit("{"), texts, pl.lit("}")])).to_series()


_NEEDS_ESCAPING = r'[\x00-\x1f"\\]'


def _piece(column: pl.Series, label: str) -> pl.Expr:
    """`"label":value` for each row, null where the value is empty (None or "")."""
    value = pl.col(column.name)
    if column.dtype == pl.String:
        if column.str.contains(_NEEDS_ESCAPING).any():
            encoded = pl.struct(value.alias("v")).struct.json_encode()
            text = encoded.str.slice(5, encoded.str.len_chars() - 6)
        else:
            text = pl.concat_str([pl.lit('"'), value, pl.lit('"')])
        text = pl.when(value == "").then(None).otherwise(text)
    elif column.dtype == pl.Boolean:
        text = pl.when(value).then(pl.lit("true")).otherwise(pl.lit("false"))
        text = pl.when(value.is_null()).then(None).otherwise(text)
    elif column.dtype.is_integer():
        text = value.cast(pl.String)
    else:
        raise TypeError(f"{label}: a snapshot value of type {column.dtype} is not supported")
    return pl.concat_str([pl.lit(json.dumps(label, ensure_ascii=False) + ":"), text])
