"""What every employment service checks: who may write where, and the choice values it is given."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.roles import MANAGING_ROLES, SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.employment.models import WorkType

# Who keeps the employment records of their area: the county office, the town, the village's work
# team (who know the laborers in person). Leaders, units and paired cadres read them.
WRITING_ROLES = frozenset({SUPERUSER, *MANAGING_ROLES, Role.TOWN_OFFICIAL, Role.WORK_TEAM})


# Who sets up trainings, public-welfare posts and community factories (the county's programmes):
# the county office and the towns, each in their area; a work team reports, it does not set them up.
PROGRAMME_ROLES = frozenset({SUPERUSER, *MANAGING_ROLES, Role.TOWN_OFFICIAL})


def may_run_programmes(scope: Scope, area_code: str) -> bool:
    return scope.role in PROGRAMME_ROLES and scope.covers_code(area_code)


def require_programme_write(scope: Scope, area_code: str, what: str = "该区划") -> None:
    if not may_run_programmes(scope, area_code):
        raise PermissionDenied(f"您无权设立或修改{what}的就业帮扶项目")


def may_write(scope: Scope, area_code: str) -> bool:
    return scope.role in WRITING_ROLES and scope.covers_code(area_code)


def require_write(scope: Scope, area_code: str, what: str = "该区划") -> None:
    if not may_write(scope, area_code):
        raise PermissionDenied(f"您无权修改{what}的就业信息")


def clean_skills(values: Iterable[Any]) -> list[str]:
    """Skill values in WorkType order without repeats; an unknown one is refused."""
    given = set()
    for value in values:
        if value not in WorkType.values:
            raise ApplicationError(f"技能“{value}”无效", field_errors={"skills": "技能无效"})
        given.add(value)
    return [value for value in WorkType.values if value in given]


def require_choice(value: str, choices: Iterable[str], field: str, label: str) -> None:
    if value not in set(choices):
        raise ApplicationError(f"{label}无效", field_errors={field: f"{label}无效"})
