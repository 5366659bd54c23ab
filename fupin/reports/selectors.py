"""Reads of the figures document for pages, the briefing, exports, the command and the API.

Every consumer asks here, never the raw section functions: the documents come from the rollups
(fupin.reports.rollups), one stored row per area, month and as-of date. In production a document
not built yet is queued for the workers and FiguresPending is raised; in the embedded default
(tasks run eagerly) it is built on the spot, and the change log is read first so that a write
shows at once.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from fupin.areas.models import Area
from fupin.core.exceptions import ApplicationError
from fupin.reports.figures import Period, parse_month, period_of
from fupin.reports.models import FigureRollup, RollupBuild
from fupin.reports.rollups.store import mark_stale_from_changes, rebuild, root_of


class FiguresPending(ApplicationError):
    """The rollups for this area and month are being built; the caller should retry shortly."""

    def __init__(self) -> None:
        super().__init__("统计数据生成中，请稍候再试")


def figures_for(area: Area, month: str, as_of: str | None = None) -> dict[str, Any]:
    """The figures document of `area` for `month` (YYYY-MM), stocks as of `as_of` (YYYY-MM-DD,
    default the month's last day)."""
    period = period_of(month, as_of)
    return documents_for([area], period)[area.code]


def documents_for(
    areas: list[Area], period: Period, *, build_now: bool | None = None
) -> dict[str, dict[str, Any]]:
    """The documents of several areas for one period, by area code, in one read."""
    if build_now is None:
        build_now = bool(settings.CELERY_TASK_ALWAYS_EAGER)
    if build_now:
        _bring_up_to_date(areas, period)
    stored = {
        code: json.loads(text)
        for code, text in FigureRollup.objects.filter(
            area_code__in=[area.code for area in areas], month=period.label, as_of=period.as_of
        ).values_list("area_code", "document_json")
    }
    missing = [area for area in areas if area.code not in stored]
    if missing:
        _queue_builds(missing, period)
        raise FiguresPending()
    return stored


def _bring_up_to_date(areas: list[Area], period: Period) -> None:
    mark_stale_from_changes()
    roots = {root.code: root for root in (root_of(area) for area in areas)}
    fresh = set(
        RollupBuild.objects.filter(
            root_code__in=list(roots), month=period.label, as_of=period.as_of, stale=False
        ).values_list("root_code", flat=True)
    )
    for code, root in roots.items():
        if code not in fresh:
            rebuild(root, period)


def _queue_builds(areas: list[Area], period: Period) -> None:
    from fupin.reports.tasks import build_rollup

    for root in {root.code: root for root in (root_of(area) for area in areas)}.values():
        # Queued once; a lost task is made up by the periodic refresh, which builds every stale build.
        _build, created = RollupBuild.objects.get_or_create(
            root_code=root.code, month=period.label, as_of=period.as_of, defaults={"stale": True}
        )
        if created:
            build_rollup.delay(root.code, period.label, period.as_of.isoformat())


def figures_of_children(area: Area, month: str) -> list[tuple[Area, dict[str, Any]]]:
    """The documents of the areas one level below `area` (towns of a county, villages of a town),
    in code order."""
    children = list(Area.objects.filter(parent=area).order_by("code"))
    if not children:
        return []
    documents = documents_for(children, period_of(month))
    return [(child, documents[child.code]) for child in children]


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
    pending = False
    documents = []
    for each in months_up_to(month, count):
        try:
            documents.append(figures_for(area, each))
        except FiguresPending:
            pending = True
    if pending:
        raise FiguresPending()
    return documents
