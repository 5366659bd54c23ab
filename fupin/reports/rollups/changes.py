"""Which counties a stretch of the change log touched.

Every write leaves a change-log row naming the record's model and id (fupin.core.audit). A record
lies in a county when its own area code, or that of a record it points to (a member's household, a
check-in's village, a cadre's unit), lies there; the path is found once per model from its foreign
keys. A record with no such path (a problem category, an indicator's definition) is reference data
that any county's figures may read, and so is a record deleted since: both make every county stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import Q

from fupin.areas.models import Area
from fupin.core.models import ChangeLog

# How many foreign keys a path may follow (check-in attempt → exam → area is two).
MAX_HOPS = 3
# Models whose writes no figure reads: sign-in tokens, accounts, notices and the rollups themselves.
IGNORED_APPS = frozenset({"auth", "authtoken", "sessions", "admin", "contenttypes", "reports"})
# Records no figure reads, written often or with no area: the question bank, the answers saved while an
# exam is sat (only the scored attempt counts), import runs, reminders and notices.
IGNORED_MODELS = frozenset(
    {
        "training.question",
        "training.questionrevision",
        "training.answer",
        "ledgers.importjob",
        "fieldwork.reminder",
        "rectification.notice",
    }
)


@dataclass
class TouchedCounties:
    """County codes (12 digits) touched by a stretch of the change log, and whether something that
    every county may read changed."""

    county_codes: set[str] = field(default_factory=set)
    everywhere: bool = False
    last_change_id: int = 0
    # Rows read past the previous position; READ_LIMIT of them means more are waiting.
    new_rows: int = 0


@cache
def area_code_path(label: str) -> str | None:
    """The lookup from a model to an area code (`area_code`, `village__code`, `household__area_code`,
    `unit__area__code`), or None when the model leads to no area."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return _path_from(model, MAX_HOPS)


def _path_from(model: type[models.Model], hops: int) -> str | None:
    """The shortest lookup to an area code, breadth first: a pairing is where its household is (two
    steps), not where its cadre's unit is (three)."""
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _ in range(hops + 1):
        next_frontier: list[tuple[type[models.Model], str]] = []
        for current, prefix in frontier:
            own = _own_area_field(current)
            if own is not None:
                return prefix + own
            for foreign_key in current._meta.concrete_fields:
                target = foreign_key.related_model if isinstance(foreign_key, models.ForeignKey) else None
                if (
                    not isinstance(target, type)
                    or target is current
                    or target._meta.app_label in IGNORED_APPS
                ):
                    continue
                next_frontier.append((target, f"{prefix}{foreign_key.name}__"))
        frontier = next_frontier
    return None


def _own_area_field(model: type[models.Model]) -> str | None:
    if model is Area:
        return "code"
    if any(f.name == "area_code" for f in model._meta.concrete_fields):
        return "area_code"
    return None


def counties_touched(
    rows: Iterable[tuple[int, str, int]], watched: set[str] | None = None
) -> TouchedCounties:
    """The counties that change-log rows (id, object_type, object_id) touched. With `watched`, the
    counties whose figures are kept, it stops as soon as all of those are known to be touched."""
    touched = TouchedCounties()
    ids_by_type: dict[str, set[int]] = defaultdict(set)
    for change_id, object_type, object_id in rows:
        touched.last_change_id = max(touched.last_change_id, change_id)
        if object_type in IGNORED_MODELS or object_type.split(".")[0] in IGNORED_APPS:
            continue
        ids_by_type[object_type].add(object_id)
    if any(area_code_path(object_type) is None for object_type in ids_by_type):
        touched.everywhere = True
        return touched
    for object_type, ids in ids_by_type.items():
        if _county_codes_of(object_type, sorted(ids), touched.county_codes):
            touched.everywhere = True
            return touched
        if watched is not None and watched <= touched.county_codes:
            break
    return touched


def _county_codes_of(object_type: str, ids: list[int], into: set[str]) -> bool:
    """Adds the counties of the records to `into`; True when some record is gone (deleted since), and
    where it was is no longer known."""
    model = apps.get_model(object_type)
    path = area_code_path(object_type)
    found = 0
    for start in range(0, len(ids), 5000):
        codes = model._default_manager.filter(pk__in=ids[start : start + 5000]).values_list(path, flat=True)
        for code in codes:
            found += 1
            if code:
                into.add(code[:6].ljust(12, "0"))
    return found < len(ids)


# A gap older than this is a rolled-back transaction, not a slow one: the longest import commits sooner.
GAP_PATIENCE_S = 6 * 3600
# Change-log rows read per call, so that one call stays short after a large import.
READ_LIMIT = 200_000
# Gaps watched at once; beyond this the oldest are given up (each costs a range in one query).
MAX_GAPS = 200


@dataclass
class ReadPosition:
    """Where reading the change log stands: everything up to `seen_through` was read, except the
    ids in `gaps` ([first, last, unix time first noticed])."""

    seen_through: int
    gaps: list[list[float]]


def read_changes(
    position: ReadPosition, now: float, watched: set[str] | None = None
) -> tuple[TouchedCounties, ReadPosition]:
    """The counties touched by change-log rows not read before, and the position after them. Only
    `watched` counties matter to the caller (None: all); an empty set skips the lookups."""
    rows: list[tuple[int, str, int]] = []
    gaps_left: list[list[float]] = []
    open_gaps = [gap for gap in position.gaps if now - gap[2] < GAP_PATIENCE_S][-MAX_GAPS:]
    if open_gaps:
        in_gaps = Q()
        for first, last, _noticed in open_gaps:
            in_gaps |= Q(pk__gte=first, pk__lte=last)
        filled = list(
            ChangeLog.objects.filter(in_gaps).order_by("pk").values_list("pk", "object_type", "object_id")
        )
        rows.extend(filled)
        present = [pk for pk, _, _ in filled]
        for first, last, noticed in open_gaps:
            inside = [pk for pk in present if first <= pk <= last]
            gaps_left.extend(_missing(int(first), int(last), inside, noticed))
    new = list(
        ChangeLog.objects.filter(pk__gt=position.seen_through)
        .order_by("pk")
        .values_list("pk", "object_type", "object_id")[:READ_LIMIT]
    )
    rows.extend(new)
    seen_through = position.seen_through
    if new:
        gaps_left.extend(_missing(seen_through + 1, new[-1][0], [pk for pk, _, _ in new], now))
        seen_through = new[-1][0]
    touched = (
        counties_touched(rows, watched) if watched != set() else TouchedCounties(last_change_id=seen_through)
    )
    touched.new_rows = len(new)
    return touched, ReadPosition(seen_through=seen_through, gaps=gaps_left)


def _missing(first: int, last: int, present: list[int], noticed: float) -> list[list[float]]:
    """The ranges of ids in [first, last] that are not in `present` (sorted)."""
    ranges: list[list[float]] = []
    expected = first
    for pk in present:
        if pk > expected:
            ranges.append([expected, pk - 1, noticed])
        expected = pk + 1
    if expected <= last:
        ranges.append([expected, last, noticed])
    return ranges
