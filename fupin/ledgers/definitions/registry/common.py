"""Pieces the households and members ledgers share: label maps, export cells, bulk look-ups."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import QuerySet

from fupin.core import idnumber, phone
from fupin.core.bulk import CHUNK, fetch_by_key
from fupin.core.models import TimestampedModel
from fupin.core.scope import Scope
from fupin.registry.selectors import household_list

M = TypeVar("M", bound=TimestampedModel)


def labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Chinese label → stored value, for a `choice` parser and the template's drop-down."""
    return {str(label): value for value, label in choices}


def label_of(choices: dict[str, str], value: str | None) -> str:
    """The label of a stored value; "" for an empty value."""
    for label, stored in choices.items():
        if stored == value:
            return label
    return ""


def bool_cell(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def decimal_cell(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def number_cell(value: int | None) -> str:
    return "" if value is None else str(value)


def shown_id(number: str, scope: Scope) -> str:
    """An exported ID number: in full only for a scope that may read it, as on the pages."""
    return number if scope.can_see_full_id_numbers else idnumber.mask(number)


def shown_phone(number: str, scope: Scope) -> str:
    return number if scope.can_see_full_id_numbers or not number else phone.mask(number)


def chunks(items: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(items))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def by_field(queryset: QuerySet[M], field: str, values: Iterable[str]) -> dict[str, M]:
    """Records whose `field` is one of `values`, keyed by it."""
    return fetch_by_key(queryset, field, sorted(set(values)))


def codes_in_scope(scope: Scope, codes: Iterable[str]) -> set[str]:
    """Which of the stored household `codes` the scope sees."""
    visible: set[str] = set()
    for chunk in chunks(codes):
        visible.update(household_list(scope).filter(code__any=chunk).values_list("code", flat=True))
    return visible
