"""Which cadres belong to an area, and who may run trainings and exams there."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fupin.core import areacode
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.duty.models import LeaderTown, Pairing, WorkTeamMember, active_on


def assigned_in(prefix: str, as_of: dt.date) -> Q:
    """Cadres with an assignment active on `as_of` to a household, village or town under `prefix`."""
    return (
        Q(
            pk__in=Pairing.objects.filter(active_on(as_of), household__area_code__startswith=prefix).values(
                "cadre_id"
            )
        )
        | Q(
            pk__in=WorkTeamMember.objects.filter(active_on(as_of), village__code__startswith=prefix).values(
                "cadre_id"
            )
        )
        | Q(
            pk__in=LeaderTown.objects.filter(active_on(as_of), town__code__startswith=prefix).values(
                "cadre_id"
            )
        )
    )


def cadres_of_area(area_code: str, as_of: dt.date) -> Q:
    """figures.md: a cadre belongs to an area when the area is the county (a cadre of the county:
    its unit, or its unit's parent, lies in the county), or when it has an assignment active on
    `as_of` to a household, village or town inside the area."""
    prefix = areacode.prefix_of(area_code)
    if areacode.level_of(area_code) in {areacode.PROVINCE, areacode.CITY, areacode.COUNTY}:
        return (
            assigned_in(prefix, as_of)
            | Q(unit__area__code__startswith=prefix)
            | Q(unit__parent__area__code__startswith=prefix)
        )
    return assigned_in(prefix, as_of)


def cadres_working_in(area_code: str, as_of: dt.date) -> Q:
    """A town's own cadres for its pages: those assigned there, and those of units seated there
    (the town government's staff carry no assignment but are the town's)."""
    prefix = areacode.prefix_of(area_code)
    return assigned_in(prefix, as_of) | Q(unit__area__code__startswith=prefix)


def may_run_trainings_in(scope: Scope, area_code: str) -> bool:
    """The county office runs trainings anywhere in its area; a town runs its own."""
    if scope.is_public or not scope.covers_code(area_code):
        return False
    return scope.can_manage or scope.role == Role.TOWN_OFFICIAL


def may_run_exams_in(scope: Scope, area_code: str) -> bool:
    return scope.can_manage and scope.covers_code(area_code)


def sees_coverage(scope: Scope) -> bool:
    """Coverage and results are for the county, towns and units, not for a single cadre."""
    return scope.role == SUPERUSER or scope.is_area_wide or scope.role == Role.UNIT_USER
