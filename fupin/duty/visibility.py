"""The households a user's responsibilities reach, registered with the registry on app load."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.duty.models import Pairing, UnitVillage, WorkTeamMember, active_on


def households_reached(scope: Scope) -> Q:
    """Own pairings, the own work team's villages, the unit's villages and its cadres' pairings,
    all as active today."""
    today = timezone.localdate()
    reach = Q(pk__in=[])
    if scope.cadre_id is not None:
        paired = Pairing.objects.filter(active_on(today), cadre_id=scope.cadre_id).values("household_id")
        team_villages = WorkTeamMember.objects.filter(active_on(today), cadre_id=scope.cadre_id).values(
            "village_id"
        )
        reach |= Q(pk__in=paired) | Q(village_id__in=team_villages)
    # Only a unit user speaks for its unit; another role's account unit is just where it works
    # (a paired cadre of U2 does not see every household U2 helps).
    if scope.role == Role.UNIT_USER and scope.unit_ids:
        unit_villages = UnitVillage.objects.filter(active_on(today), unit_id__in=scope.unit_ids).values(
            "village_id"
        )
        unit_pairings = Pairing.objects.filter(active_on(today), cadre__unit_id__in=scope.unit_ids).values(
            "household_id"
        )
        reach |= Q(village_id__in=unit_villages) | Q(pk__in=unit_pairings)
    return reach
