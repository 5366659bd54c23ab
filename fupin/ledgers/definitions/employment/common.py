"""What the employment ledgers share: label maps, reference look-ups, and service problems put on
the row's columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

from fupin.areas.models import Area
from fupin.core.bulk import fetch_by_key
from fupin.employment.models import EmploymentStatus, Funding, Laborer, PostType, Reach, Region, WorkType
from fupin.ledgers.base import ParsedRow, RowErrors


def labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Chinese label → stored value, as the ledger's cells carry them."""
    return {str(label): value for value, label in choices.choices}


def names(choices: type[models.TextChoices]) -> dict[str, str]:
    """Stored value → Chinese label, for exports."""
    return {value: str(label) for value, label in choices.choices}


WORK_TYPES = labels(WorkType)
STATUSES = labels(EmploymentStatus)
REACHES = labels(Reach)
REGIONS = labels(Region)
POST_TYPES = labels(PostType)
FUNDINGS = labels(Funding)


def areas_by_code(codes: Iterable[str]) -> dict[str, Area]:
    return fetch_by_key(Area, "code", sorted({c for c in codes if c}))


def laborers_by_id(numbers: Iterable[str]) -> dict[str, Laborer]:
    return fetch_by_key(
        Laborer.objects.select_related("member__household"), "id_number", sorted({n for n in numbers if n})
    )


def put_problems(
    errors: RowErrors, row: ParsedRow, problems: dict[str, str], column_of: dict[str, str]
) -> None:
    """A service's field → reason map, reported on the row's columns."""
    for field, message in problems.items():
        column = column_of.get(field, field)
        errors.add(row.number, column, row.values.get(column) or "", message)


def day(value: Any) -> str:
    return value.isoformat() if value else ""


def number(value: Any) -> str:
    return "" if value is None else str(value)


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def agree(
    rows: Sequence[ParsedRow], group: str, columns: Sequence[str], errors: RowErrors, what: str
) -> None:
    """Rows naming the same `group` code must say the same in `columns` (every row of the file is
    compared, those with errors of their own too, so that the first row of a group sets it)."""
    first: dict[str, ParsedRow] = {}
    for row in rows:
        if row.values[group] is None:
            continue
        seen = first.setdefault(row.values[group], row)
        for column in columns:
            if row.values[column] != seen.values[column]:
                errors.add(
                    row.number, column, row.values[column] or "", f"与第{seen.number}行同一{what}的内容不一致"
                )
