"""Reads of the figures document for pages, the briefing, exports, the command and the API.

Every consumer asks here, never the raw section functions: the documents come from the rollups
(fupin.reports.rollups), one stored row per area, month and as-of date. In production a document
not built yet is queued for the workers and FiguresPending is raised; in the embedded default
(tasks run eagerly) it is built on the spot, and the change log is read first so that a write
shows at once.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode
from fupin.core.exceptions import ApplicationError
from fupin.fieldwork.models import CheckIn
from fupin.reports.figures import Period, parse_month, period_of
from fupin.reports.models import FigureRollup, RollupBuild
from fupin.reports.rollups.store import mark_stale_from_changes, rebuild


class FiguresPending(ApplicationError):
    """The rollups for this area and month are being built; the caller should retry shortly."""

    def __init__(self, message: str = "统计数据生成中，请稍候再试") -> None:
        super().__init__(message)


def figures_for(area: Area, month: str, as_of: str | None = None) -> dict[str, Any]:
    """The figures document of `area` for `month` (YYYY-MM), stocks as of `as_of` (YYYY-MM-DD,
    default the month's last day)."""
    period = period_of(month, as_of)
    return documents_for([area], period)[area.code]


def documents_for(
    areas: list[Area], period: Period, *, build_now: bool | None = None
) -> dict[str, dict[str, Any]]:
    """The documents of several areas for one period, by area code, in one read."""
    found = _documents([(area, period) for area in areas], build_now)
    return {area.code: found[(area.code, period.label, period.as_of)] for area in areas}


Key = tuple[str, str, dt.date]


def _documents(wanted: list[tuple[Area, Period]], build_now: bool | None) -> dict[Key, dict[str, Any]]:
    """The documents of (area, period) pairs: brought up to date first where tasks run eagerly,
    then read in one query; what is still missing is queued and FiguresPending raised."""
    if build_now is None:
        build_now = bool(settings.CELERY_TASK_ALWAYS_EAGER)
    if build_now:
        _bring_up_to_date(wanted)
    stored = _stored(wanted)
    missing = [(area, period) for area, period in wanted if _key(area, period) not in stored]
    if missing and build_now:
        # An area added after its county was built (a build holds the areas of its day).
        for root, period in _roots(missing).values():
            rebuild(root, period)
        stored = _stored(wanted)
        missing = [(area, period) for area, period in wanted if _key(area, period) not in stored]
    if missing:
        _queue_builds(missing)
        raise FiguresPending()
    return stored


def _key(area: Area, period: Period) -> Key:
    return (area.code, period.label, period.as_of)


def _roots(wanted: list[tuple[Area, Period]]) -> dict[Key, tuple[Area, Period]]:
    """The builds holding the wanted documents, by (root code, month, as_of): a town's or village's
    is its county's, read in one query for all."""
    codes = {area.code: _root_code(area) for area, _ in wanted}
    below = {code for code in codes.values() if code not in {area.code for area, _ in wanted}}
    areas = {area.code: area for area, _ in wanted} | {a.code: a for a in Area.objects.filter(code__in=below)}
    roots: dict[Key, tuple[Area, Period]] = {}
    for area, period in wanted:
        root = areas.get(codes[area.code])
        if root is not None:
            roots.setdefault(_key(root, period), (root, period))
    return roots


def _root_code(area: Area) -> str:
    if area.level in (AreaLevel.TOWN, AreaLevel.VILLAGE):
        return areacode.county_code_of(area.code)
    return area.code


def _stored(wanted: list[tuple[Area, Period]]) -> dict[Key, dict[str, Any]]:
    codes = {area.code for area, _ in wanted}
    months = {period.label for _, period in wanted}
    days = {period.as_of for _, period in wanted}
    keys = {_key(area, period) for area, period in wanted}
    rows = FigureRollup.objects.filter(area_code__in=codes, month__in=months, as_of__in=days).values_list(
        "area_code", "month", "as_of", "document_json"
    )
    return {
        (code, month, day): json.loads(text) for code, month, day, text in rows if (code, month, day) in keys
    }


def _bring_up_to_date(wanted: list[tuple[Area, Period]]) -> None:
    mark_stale_from_changes()
    roots = _roots(wanted)
    fresh = {
        (code, month, day)
        for code, month, day in RollupBuild.objects.filter(
            root_code__in={key[0] for key in roots}, month__in={key[1] for key in roots}, stale=False
        ).values_list("root_code", "month", "as_of")
    }
    for key, (root, period) in roots.items():
        if key not in fresh:
            rebuild(root, period)


def _queue_builds(missing: list[tuple[Area, Period]]) -> None:
    from fupin.reports.tasks import build_rollup

    for root, period in _roots(missing).values():
        # Queued once; a lost task is made up by the periodic refresh, which builds every stale build.
        _build, created = RollupBuild.objects.get_or_create(
            root_code=root.code, month=period.label, as_of=period.as_of, defaults={"stale": True}
        )
        if created:
            build_rollup.delay(root.code, period.label, period.as_of.isoformat())


def latest_checkin_month(area: Area, not_after: dt.date) -> str | None:
    """The month of the latest check-in inside `area` on or before `not_after`: where field work has
    stopped (an archived or demo county), the dashboard opens on its last month. One row read, newest
    first by date."""
    latest = (
        CheckIn.objects.filter(area_code__startswith=areacode.prefix_of(area.code), date__lte=not_after)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    return f"{latest:%Y-%m}" if latest else None


def figures_of_children(area: Area, month: str) -> list[tuple[Area, dict[str, Any]]]:
    """The documents of the areas one level below `area` (towns of a county, villages of a town),
    in code order."""
    return figures_of_areas(list(Area.objects.filter(parent=area).order_by("code")), month)


def figures_of_areas(areas: list[Area], month: str) -> list[tuple[Area, dict[str, Any]]]:
    """The documents of several areas for one month, in the order given, in one read."""
    if not areas:
        return []
    documents = documents_for(areas, period_of(month))
    return [(each, documents[each.code]) for each in areas]


def months_up_to(month: str, count: int) -> list[str]:
    """`count` months ending with `month`, oldest first."""
    year, number = parse_month(month)
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return months[::-1]


def figures_trend(area: Area, month: str, count: int = 12) -> list[dict[str, Any]]:
    """The documents of `area` for the `count` months ending with `month`, oldest first, in one read."""
    periods = [period_of(each) for each in months_up_to(month, count)]
    found = _documents([(area, period) for period in periods], None)
    return [found[_key(area, period)] for period in periods]
