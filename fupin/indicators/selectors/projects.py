"""Key projects as each user may see them, and the totals against the annual plan.

Completed investment to month M of year Y is the sum of the monthly amounts of January..M; a month a
project has not reported is listed as missing for that project (never read as zero in silence).
Completion = completed / the year's planned investment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from fupin.core.models import choice_label
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.indicators.computing import ratio
from fupin.indicators.models import Industry, Project, ProjectPlan, ProjectProgress


def project_visibility_q(scope: Scope) -> Q:
    """Area users see the projects of their area; a unit account those its units own."""
    if scope.is_public:
        return Q(pk__in=[])
    if scope.role == Role.UNIT_USER:
        return Q(owner_unit_id__in=scope.unit_ids)
    return scope.area_q("area_code")


def project_list(
    scope: Scope, *, area_code: str = "", industry: str = "", unit_code: str = ""
) -> QuerySet[Project]:
    projects = Project.objects.filter(project_visibility_q(scope)).select_related("owner_unit", "area")
    if area_code:
        projects = projects.filter(area_code__startswith=area_code.rstrip("0") or area_code)
    if industry:
        projects = projects.filter(industry=industry)
    if unit_code:
        projects = projects.filter(owner_unit__code=unit_code)
    return projects.order_by("code")


def project_get(scope: Scope, code: str) -> Project | None:
    return (
        Project.objects.filter(project_visibility_q(scope), code=code)
        .select_related("owner_unit", "area")
        .first()
    )


@dataclass
class ProjectLine:
    project: Project
    plan: Decimal | None
    completed: Decimal
    missing_months: list[int]
    monthly: dict[int, Decimal]

    @property
    def completion(self) -> Decimal | None:
        return ratio(self.completed, self.plan)


@dataclass
class ProjectTotals:
    year: int
    month: int
    lines: list[ProjectLine]
    by_industry: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def planned(self) -> Decimal:
        return sum((line.plan or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def completed(self) -> Decimal:
        return sum((line.completed for line in self.lines), Decimal(0))

    @property
    def completion(self) -> Decimal | None:
        return ratio(self.completed, self.planned)

    @property
    def monthly(self) -> list[Decimal]:
        return [
            sum((line.monthly.get(m, Decimal(0)) for line in self.lines), Decimal(0))
            for m in range(1, self.month + 1)
        ]


def project_totals(projects: QuerySet[Project], year: int, month: int) -> ProjectTotals:
    """Each project with a plan for the year or progress in it, and the totals of them all."""
    plans = dict(
        ProjectPlan.objects.filter(project__in=projects, year=year).values_list(
            "project_id", "planned_investment"
        )
    )
    monthly: dict[int, dict[int, Decimal]] = defaultdict(dict)
    progress = ProjectProgress.objects.filter(project__in=projects, year=year, month__lte=month)
    for project_id, m, amount in progress.values_list("project_id", "month", "completed_investment"):
        monthly[project_id][m] = amount
    lines = []
    for project in projects:
        if project.pk not in plans and project.pk not in monthly:
            continue
        months = monthly.get(project.pk, {})
        started = project.start_date.month if project.start_date.year == year else 1
        if project.start_date.year > year:
            continue
        due = range(started, month + 1)
        lines.append(
            ProjectLine(
                project=project,
                plan=plans.get(project.pk),
                completed=sum(months.values(), Decimal(0)),
                missing_months=[m for m in due if m not in months],
                monthly=months,
            )
        )
    totals = ProjectTotals(year=year, month=month, lines=lines)
    for line in lines:
        label = choice_label(Industry, line.project.industry)
        entry = totals.by_industry.setdefault(label, {"planned": Decimal(0), "completed": Decimal(0)})
        entry["planned"] += line.plan or Decimal(0)
        entry["completed"] += line.completed
    return totals
