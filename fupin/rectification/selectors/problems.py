"""Reads of problems and tasks (the three lists of 三单制), always through the user's scope.

Who sees which problems:
- area-wide roles (county office, county leaders, town officials): every problem of their area;
- unit users: problems whose responsible unit is one of their units, and those they filed;
- any other cadre (paired cadres, work-team members): problems where they are the responsible
  person or leader or own a task, and those they filed;
- the public and outsiders to the area: nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, When
from django.utils import timezone

from fupin.core import areacode
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.rectification.models import Problem, ProblemCategory, ProblemStatus, Task

NOT_RECTIFIED = (ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS)
LIST_RELATED = ("category", "area", "responsible_unit", "responsible_leader", "responsible_person")


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Not rectified and past its deadline (figures.md: open problems whose deadline is before the
    day)."""
    return Q(**{f"{prefix}status__in": NOT_RECTIFIED, f"{prefix}deadline__lt": today})


def problem_visibility_q(scope: Scope, user_id: int | None = None) -> Q:
    """The problems a scope (and its user, for "those they filed") may see."""
    if scope.is_public:
        return Q(pk__in=[])
    if scope.is_area_wide:
        return scope.area_q("area_code")
    mine = Q(created_by_id=user_id) if user_id is not None else Q(pk__in=[])
    if scope.role == Role.UNIT_USER:
        return Q(responsible_unit_id__in=scope.unit_ids) | mine
    if scope.cadre_id is not None:
        cadre = scope.cadre_id
        owns_task = Exists(Task.objects.filter(problem=OuterRef("pk"), owner_id=cadre))
        return Q(responsible_person_id=cadre) | Q(responsible_leader_id=cadre) | owns_task | mine
    return mine


@dataclass(frozen=True)
class ProblemFilters:
    # Any of these statuses (the 清零 board links "open" as 未整改 and 整改中 together).
    statuses: tuple[str, ...] = ()
    category_id: int | None = None
    channel: str = ""
    origin: str = ""
    # A 12-digit area code: the area and everything inside it.
    area_code: str = ""
    unit_code: str = ""
    person_code: str = ""
    overdue: bool = False
    fix_at_once: bool = False
    long_term: bool = False
    ungrouped: bool = False
    search: str = ""


def _filtered(problems: QuerySet[Problem], filters: ProblemFilters, today: dt.date) -> QuerySet[Problem]:
    """`problems` narrowed by the filters that are set."""
    f = filters
    exact = {
        "category_id": f.category_id,
        "channel": f.channel,
        "origin": f.origin,
        "responsible_unit__code": f.unit_code,
        "responsible_person__code": f.person_code,
    }
    problems = problems.filter(**{name: value for name, value in exact.items() if value})
    if f.statuses:
        problems = problems.filter(status__in=f.statuses)
    if f.area_code:
        problems = problems.filter(area_code__startswith=areacode.prefix_of(f.area_code))
    if f.overdue:
        problems = problems.filter(overdue_q(today))
    if f.fix_at_once:
        problems = problems.filter(fix_at_once=True)
    if f.long_term:
        problems = problems.filter(long_term=True)
    if f.ungrouped:
        problems = problems.filter(group__isnull=True)
    if f.search:
        text = f.search
        problems = problems.filter(
            Q(description__contains=text)
            | Q(code__startswith=text.upper())
            | Q(measures__contains=text)
            | Q(responsible_person__name__startswith=text)
        )
    return problems


def problem_list(
    scope: Scope,
    *,
    user_id: int | None = None,
    filters: ProblemFilters | None = None,
    today: dt.date | None = None,
) -> QuerySet[Problem]:
    """The problem list (问题清单) of a scope, filtered, newest found first."""
    day = today or timezone.localdate()
    problems: QuerySet[Problem] = (
        Problem.objects.filter(problem_visibility_q(scope, user_id))
        .select_related(*LIST_RELATED)
        .annotate(
            is_overdue=Case(When(overdue_q(day), then=True), default=False, output_field=BooleanField())
        )
    )
    if filters is not None:
        problems = _filtered(problems, filters, day)
    return problems.order_by("-found_date", "-id")


def problem_get(scope: Scope, code: str, *, user_id: int | None = None) -> Problem | None:
    return (
        Problem.objects.filter(problem_visibility_q(scope, user_id), code=code)
        .select_related(*LIST_RELATED, "household", "session", "group", "created_by")
        .first()
    )


def responsibility_list(
    scope: Scope, *, user_id: int | None = None, filters: ProblemFilters | None = None, by: str = "unit"
) -> QuerySet[Problem]:
    """The responsibility list (责任清单): each problem with its responsible unit, leader and
    person, ordered by unit or by person so a page can show each one's problems together."""
    problems = problem_list(scope, user_id=user_id, filters=filters)
    if by == "person":
        return problems.order_by("responsible_person__name", "responsible_person__code", "deadline", "id")
    return problems.order_by("responsible_unit__code", "responsible_person__code", "deadline", "id")


TASK_STATES = ("open", "done", "overdue")


def task_list(
    scope: Scope,
    *,
    user_id: int | None = None,
    state: str = "",
    owner_code: str = "",
    problem_code: str = "",
    mine_cadre_id: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Task]:
    """The task list (任务清单): tasks of the problems the scope sees, soonest deadline first."""
    day = today or timezone.localdate()
    visible = Problem.objects.filter(problem_visibility_q(scope, user_id)).values("pk")
    tasks = Task.objects.filter(problem_id__in=visible).select_related(
        "problem", "problem__area", "owner", "owner__unit"
    )
    if state == "open":
        tasks = tasks.filter(done_on__isnull=True)
    elif state == "done":
        tasks = tasks.filter(done_on__isnull=False)
    elif state == "overdue":
        tasks = tasks.filter(done_on__isnull=True, deadline__lt=day)
    if owner_code:
        tasks = tasks.filter(owner__code=owner_code)
    if mine_cadre_id is not None:
        tasks = tasks.filter(owner_id=mine_cadre_id)
    if problem_code:
        tasks = tasks.filter(problem__code=problem_code)
    return tasks.order_by("done_on", "deadline", "id")


def categories_of(county_code: str, *, active_only: bool = False) -> QuerySet[ProblemCategory]:
    categories = ProblemCategory.objects.filter(county__code=county_code)
    if active_only:
        categories = categories.filter(active=True)
    return categories.order_by("order", "id")
