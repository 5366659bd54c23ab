"""The `duty` section of the figures document (spec/figures.md), computed from the records."""

from __future__ import annotations

import datetime as dt

from fupin.core import areacode
from fupin.duty.models import FIRST_SECRETARY_ROLES, Pairing, UnitVillage, WorkTeamMember, active_on
from fupin.registry.figures import POOR, StatusesAsOf, statuses_as_of


def duty_section(area_code: str, as_of: dt.date, statuses: StatusesAsOf | None = None) -> dict[str, int]:
    statuses = statuses or statuses_as_of(area_code, as_of)
    prefix = areacode.prefix_of(area_code)
    counted = set(statuses.ids())
    poor = set(statuses.ids(POOR))
    active_pairings = Pairing.objects.filter(
        active_on(as_of), household__area_code__startswith=prefix
    ).values_list("cadre_id", "household_id")
    paired_cadres: set[int] = set()
    paired_households: set[int] = set()
    for cadre_id, household_id in active_pairings.iterator(chunk_size=5000):
        if household_id in counted:
            paired_cadres.add(cadre_id)
            paired_households.add(household_id)
    teams = WorkTeamMember.objects.filter(active_on(as_of), village__code__startswith=prefix)
    return {
        "paired_cadres": len(paired_cadres),
        "poor_households_paired": len(poor & paired_households),
        "poor_households_unpaired": len(poor - paired_households),
        "aid_units": UnitVillage.objects.filter(active_on(as_of), village__code__startswith=prefix)
        .values("unit_id")
        .distinct()
        .count(),
        "villages_with_first_secretary": teams.filter(role__in=FIRST_SECRETARY_ROLES)
        .values("village_id")
        .distinct()
        .count(),
        "work_team_members": teams.values("cadre_id").distinct().count(),
    }
