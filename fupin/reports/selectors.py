"""Reads of the figures document for pages, the briefing, exports and the API.

Every consumer asks here, never the raw section functions: the figures come from the rollups
(fupin.reports.rollups) once they are built.
"""

from __future__ import annotations

from typing import Any

from fupin.areas.models import Area
from fupin.core.exceptions import ApplicationError
from fupin.reports.figures import figures_document, parse_month


class FiguresPending(ApplicationError):
    """The rollups for this area and month are being built; the caller should retry shortly."""


def figures_for(area: Area, month: str, as_of: str | None = None) -> dict[str, Any]:
    """The figures document of `area` for `month` (YYYY-MM), stocks as of `as_of` (YYYY-MM-DD,
    default the month's last day)."""
    return figures_document(area, month, as_of)


def figures_of_children(area: Area, month: str) -> list[tuple[Area, dict[str, Any]]]:
    """The documents of the areas one level below `area` (towns of a county, villages of a town),
    in code order."""
    children = Area.objects.filter(parent=area).order_by("code")
    return [(child, figures_for(child, month)) for child in children]


def months_up_to(month: str, count: int) -> list[str]:
    """`count` months ending with `month`, oldest first."""
    year, number = parse_month(month)
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return months[::-1]


def figures_trend(area: Area, month: str, count: int = 12) -> list[dict[str, Any]]:
    """The documents of `area` for the `count` months ending with `month`, oldest first."""
    return [figures_for(area, each) for each in months_up_to(month, count)]
