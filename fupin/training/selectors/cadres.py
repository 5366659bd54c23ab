"""Which cadres work in an area, and who may run trainings and exams there. (Which cadres belong to
an area by the figures' rule is fupin.duty.belonging.cadres_of_area.)"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fupin.core import areacode
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.duty.belonging import assigned_in, cadres_of_area

__all__ = ["cadres_of_area", "cadres_working_in", "may_run_exams_in", "may_run_trainings_in", "sees_coverage"]


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
