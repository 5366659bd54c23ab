"""Which cadres belong to an area on a date (spec/figures.md, Scope): the rule every capability that
judges "the cadres of an area" applies — quota compliance, exam coverage, training figures."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fupin.core import areacode
from fupin.duty.models import LeaderTown, Pairing, WorkTeamMember, active_on

# Areas whose own units' cadres belong to them: a county's departments and towns are the county's,
# and a city's or a province's are theirs (the spec speaks of the county; above it the same holds).
UNIT_SEATED_LEVELS = frozenset({areacode.PROVINCE, areacode.CITY, areacode.COUNTY})


def assigned_in(prefix: str, as_of: dt.date) -> Q:
    """Cadres with an assignment active on `as_of` to a household, village or town under `prefix`."""
    pairings = Pairing.objects.filter(active_on(as_of), household__area_code__startswith=prefix)
    teams = WorkTeamMember.objects.filter(active_on(as_of), village__code__startswith=prefix)
    towns = LeaderTown.objects.filter(active_on(as_of), town__code__startswith=prefix)
    return (
        Q(pk__in=pairings.values("cadre_id"))
        | Q(pk__in=teams.values("cadre_id"))
        | Q(pk__in=towns.values("cadre_id"))
    )


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
