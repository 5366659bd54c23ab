"""Which cadres belong to an area on a date (spec/figures.md, Scope): the rule every capability that
judges "the cadres of an area" applies — quota compliance, exam coverage, training figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.duty.models import Assignment, LeaderTown, Pairing, WorkTeamMember, active_on
from fupin.people.models import Cadre

# Areas whose own units' cadres belong to them: a county's departments and towns are the county's,
# and a city's or a province's are theirs (the spec speaks of the county; above it the same holds).
UNIT_SEATED_LEVELS = frozenset({areacode.PROVINCE, areacode.CITY, areacode.COUNTY})


# Each kind of assignment that places a cadre in an area, with the field holding that area's code.
PLACING_ASSIGNMENTS: tuple[tuple[type[Assignment], str], ...] = (
    (Pairing, "household__area_code"),
    (WorkTeamMember, "village__code"),
    (LeaderTown, "town__code"),
)


def _assignments_in(prefix: str, as_of: dt.date) -> list[tuple[QuerySet[Any], str]]:
    """The assignments active on `as_of` that place a cadre under `prefix`, each with its code field."""
    return [
        (model._default_manager.filter(active_on(as_of), **{f"{code_field}__startswith": prefix}), code_field)
        for model, code_field in PLACING_ASSIGNMENTS
    ]


def assigned_in(prefix: str, as_of: dt.date) -> Q:
    """Cadres with an assignment active on `as_of` to a household, village or town under `prefix`."""
    assigned = Q()
    for assignments, _code_field in _assignments_in(prefix, as_of):
        assigned |= Q(pk__in=assignments.values("cadre_id"))
    return assigned


def cadres_of_area(area_code: str, as_of: dt.date) -> Q:
    """A cadre belongs to an area when the area is the county (a cadre of the county: its unit, or
    its unit's parent, lies in the county), or when it has an assignment active on `as_of` to a
    household, village or town inside the area."""
    prefix = areacode.prefix_of(area_code)
    if areacode.level_of(area_code) in UNIT_SEATED_LEVELS:
        return (
            assigned_in(prefix, as_of)
            | Q(unit__area__code__startswith=prefix)
            | Q(unit__parent__area__code__startswith=prefix)
        )
    return assigned_in(prefix, as_of)


def cadres_by_area(tree: CountyTree, as_of: dt.date) -> dict[str, set[int]]:
    """For every area of the county, the ids of the cadres belonging to it on `as_of` (the sets that
    `cadres_of_area` selects area by area), read in four queries whatever the number of areas: the
    county's cadres, and the area codes of the assignments active in the county, each placing its
    cadre in the areas that contain it."""
    county_prefix = areacode.prefix_of(tree.county_code)
    belonging: dict[str, set[int]] = {code: set() for code in tree.codes}
    belonging[tree.county_code] = set(
        Cadre.objects.filter(cadres_of_area(tree.county_code, as_of)).values_list("pk", flat=True)
    )
    placed_in: dict[str, set[int]] = defaultdict(set)
    for assignments, code_field in _assignments_in(county_prefix, as_of):
        for cadre_id, code in assignments.values_list("cadre_id", code_field).order_by().distinct():
            placed_in[code].add(cadre_id)
    for code, cadre_ids in placed_in.items():
        for area_code in tree.containing(code):
            if area_code != tree.county_code:
                belonging[area_code] |= cadre_ids
    return belonging
