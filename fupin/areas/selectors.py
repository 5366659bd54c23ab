"""Reads of areas, always through the user's scope."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Q, QuerySet

from fupin.areas.county_settings import SETTINGS
from fupin.areas.models import Area, AreaLevel, CountySetting
from fupin.core import areacode
from fupin.core.scope import Scope


def area_list(scope: Scope) -> QuerySet[Area]:
    return Area.objects.filter(scope.area_q("code"))


def areas_inside(code: str) -> QuerySet[Area]:
    """The area and everything below it (figures.md's "inside"), by code prefix."""
    return Area.objects.filter(code__startswith=areacode.prefix_of(code))


def area_descendants(area: Area) -> QuerySet[Area]:
    return areas_inside(area.code).exclude(pk=area.pk)


def area_ancestor_codes(code: str) -> list[str]:
    """Codes of the levels above, nearest first, derived from the code itself."""
    codes = []
    parent = areacode.parent_code_of(code)
    while parent is not None:
        codes.append(parent)
        parent = areacode.parent_code_of(parent)
    return codes


def area_ancestors(area: Area) -> list[Area]:
    """The areas above `area` that exist in the database, top first (one query)."""
    by_code = {a.code: a for a in Area.objects.filter(code__in=area_ancestor_codes(area.code))}
    return [by_code[c] for c in reversed(area_ancestor_codes(area.code)) if c in by_code]


def area_get(scope: Scope, code: str) -> Area | None:
    return area_list(scope).filter(code=code).select_related("parent").first()


def area_children(scope: Scope, area: Area | None) -> QuerySet[Area]:
    """Children of `area` in scope; for None, the scope's top areas."""
    if area is not None:
        return area_list(scope).filter(parent=area)
    if scope.root_area_code:
        return area_list(scope).filter(code=scope.root_area_code)
    return area_list(scope).filter(parent__isnull=True)


def area_search(scope: Scope, query: str, *, level: str | None = None, limit: int = 20) -> list[Area]:
    """The area picker: by name (略阳), code, full pinyin (lueyang) or initials (ly).

    Matches that begin with the query rank first, then shallower levels, then code order.
    """
    text = query.strip().lower().replace(" ", "")
    if not text:
        return []
    qs = (
        area_list(scope)
        .select_related("parent")
        .filter(Q(name__contains=query.strip()) | Q(code__startswith=text) | Q(search_key__contains=text))
    )
    if level:
        qs = qs.filter(level=level)
    candidates = list(qs.order_by("code")[: limit * 5])
    order = {lvl: i for i, lvl in enumerate(AreaLevel.values)}

    def rank(area: Area) -> tuple[int, int, str]:
        keys = [area.name, area.code, *area.search_key.split(" ")]
        starts = any(k.lower().startswith(text) or k.startswith(query.strip()) for k in keys)
        return (0 if starts else 1, order.get(area.level, 9), area.code)

    return sorted(candidates, key=rank)[:limit]


def county_setting(area_code: str, name: str) -> Any:
    """The county's value of a setting (for the county `area_code` lies in), else its default."""
    stored = (
        CountySetting.objects.filter(county__code=areacode.county_code_of(area_code), name=name)
        .values_list("value", flat=True)
        .first()
    )
    return SETTINGS[name].default if stored is None else stored


def county_settings_of(area_code: str, names: tuple[str, ...], *, max_age: float = 0) -> dict[str, Any]:
    """Several of the county's settings in one query, each falling back to its default.

    With `max_age`, an answer this process read less than that many seconds ago serves again: for
    the hot paths (every check-in reads the radius). A change made here is seen at once, since
    `county_setting_set` forgets them; one made by another process within `max_age`.
    """
    key = (areacode.county_code_of(area_code), names)
    if max_age:
        remembered = _remembered_settings.get(key)
        if remembered is not None and time.monotonic() - remembered[0] < max_age:
            return dict(remembered[1])
    stored = dict(
        CountySetting.objects.filter(
            county__code=areacode.county_code_of(area_code), name__in=names
        ).values_list("name", "value")
    )
    values = {name: stored.get(name, SETTINGS[name].default) for name in names}
    _remembered_settings[key] = (time.monotonic(), values)
    return values


_remembered_settings: dict[tuple[str, tuple[str, ...]], tuple[float, dict[str, Any]]] = {}


def forget_county_settings() -> None:
    _remembered_settings.clear()
