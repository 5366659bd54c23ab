"""The `duty` section of the figures document (spec/figures.md), computed from the records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.duty.models import FIRST_SECRETARY_ROLES, Pairing, UnitVillage, WorkTeamMember, active_on
from fupin.registry.figures import POOR, CountyStatuses, StatusesAsOf, statuses_as_of


def _active_pairings(prefix: str, as_of: dt.date) -> QuerySet[Pairing]:
    return Pairing.objects.filter(active_on(as_of), household__area_code__startswith=prefix)


def _active_teams(prefix: str, as_of: dt.date) -> QuerySet[WorkTeamMember]:
    return WorkTeamMember.objects.filter(active_on(as_of), village__code__startswith=prefix)


def _active_unit_villages(prefix: str, as_of: dt.date) -> QuerySet[UnitVillage]:
    return UnitVillage.objects.filter(active_on(as_of), village__code__startswith=prefix)


def duty_section(area_code: str, as_of: dt.date, statuses: StatusesAsOf | None = None) -> dict[str, int]:
    statuses = statuses or statuses_as_of(area_code, as_of)
    prefix = areacode.prefix_of(area_code)
    counted = set(statuses.ids())
    poor = set(statuses.ids(POOR))
    active_pairings = _active_pairings(prefix, as_of).values_list("cadre_id", "household_id")
    paired_cadres: set[int] = set()
    paired_households: set[int] = set()
    for cadre_id, household_id in active_pairings.iterator(chunk_size=5000):
        if household_id in counted:
            paired_cadres.add(cadre_id)
            paired_households.add(household_id)
    teams = _active_teams(prefix, as_of)
    return {
        "paired_cadres": len(paired_cadres),
        "poor_households_paired": len(poor & paired_households),
        "poor_households_unpaired": len(poor - paired_households),
        "aid_units": _active_unit_villages(prefix, as_of).values("unit_id").distinct().count(),
        "villages_with_first_secretary": teams.filter(role__in=FIRST_SECRETARY_ROLES)
        .values("village_id")
        .distinct()
        .count(),
        "work_team_members": teams.values("cadre_id").distinct().count(),
    }


def duty_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """duty_section of every area of the county, from three queries of the county's active
    assignments, each bucketed into the areas that contain it."""
    prefix = areacode.prefix_of(tree.county_code)
    paired_cadres: dict[str, set[int]] = defaultdict(set)
    paired_households: dict[str, set[int]] = defaultdict(set)
    pairings = _active_pairings(prefix, as_of).values_list("cadre_id", "household_id")
    for cadre_id, household_id in pairings.iterator(chunk_size=5000):
        household_area = statuses.area_by_household.get(household_id)
        if household_area is None:  # not a counted household
            continue
        for code in tree.containing(household_area):
            paired_cadres[code].add(cadre_id)
            paired_households[code].add(household_id)
    poor: dict[str, set[int]] = defaultdict(set)
    for household_id, status in statuses.status_by_household.items():
        if status in POOR:
            for code in tree.containing(statuses.area_by_household[household_id]):
                poor[code].add(household_id)
    aid_units: dict[str, set[int]] = defaultdict(set)
    for unit_id, village_code in _active_unit_villages(prefix, as_of).values_list("unit_id", "village__code"):
        for code in tree.containing(village_code):
            aid_units[code].add(unit_id)
    first_secretary_villages: dict[str, set[int]] = defaultdict(set)
    team_members: dict[str, set[int]] = defaultdict(set)
    teams = _active_teams(prefix, as_of).values_list("cadre_id", "village_id", "village__code", "role")
    for cadre_id, village_id, village_code, role in teams:
        for code in tree.containing(village_code):
            team_members[code].add(cadre_id)
            if role in FIRST_SECRETARY_ROLES:
                first_secretary_villages[code].add(village_id)
    return {
        code: {
            "paired_cadres": len(paired_cadres[code]),
            "poor_households_paired": len(poor[code] & paired_households[code]),
            "poor_households_unpaired": len(poor[code] - paired_households[code]),
            "aid_units": len(aid_units[code]),
            "villages_with_first_secretary": len(first_secretary_villages[code]),
            "work_team_members": len(team_members[code]),
        }
        for code in tree.codes
    }
