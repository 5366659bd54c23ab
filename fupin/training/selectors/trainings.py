"""Reads of trainings, always through the user's scope, and person-times and coverage by unit and
by cadre category.

Who sees which trainings: the county's roles see every training in their area (and those their
area's cadres attended elsewhere); a town official sees trainings held in the town or attended by
the town's cadres; a unit user those its units organised or its cadres attended; a cadre those it
attended.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.people.models import Cadre, CadreCategory
from fupin.people.selectors import cadre_list
from fupin.training.models import Attendance, Training
from fupin.training.selectors.cadres import cadres_working_in


def _attended_by(cadres: Q) -> Q:
    return Q(pk__in=Attendance.objects.filter(cadre__in=Cadre.objects.filter(cadres)).values("training_id"))


def training_q(scope: Scope) -> Q:
    if scope.role == SUPERUSER:
        return Q()
    if scope.is_area_wide and scope.root_area_code:
        return scope.area_q("area_code") | _attended_by(
            cadres_working_in(scope.root_area_code, timezone.localdate())
        )
    if scope.role == Role.UNIT_USER and scope.unit_ids:
        return Q(organiser_id__in=scope.unit_ids) | _attended_by(Q(unit_id__in=scope.unit_ids))
    if scope.cadre_id is not None:
        return Q(pk__in=Attendance.objects.filter(cadre_id=scope.cadre_id).values("training_id"))
    return Q(pk__in=[])


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    @property
    def end(self) -> dt.date:
        if self.month is None or self.month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.month + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"


def training_list(scope: Scope, *, period: Period | None = None, search: str = "") -> QuerySet[Training]:
    qs = Training.objects.filter(training_q(scope)).select_related("organiser", "area")
    if period is not None:
        qs = qs.filter(date__gte=period.start, date__lte=period.end)
    if search:
        qs = qs.filter(Q(topic__contains=search) | Q(code__startswith=search) | Q(place__contains=search))
    return qs.annotate(person_times=Count("attendances")).order_by("-date", "-id")


def training_get(scope: Scope, code: str) -> Training | None:
    return Training.objects.filter(training_q(scope), code=code).select_related("organiser", "area").first()


def attendance_list(training: Training) -> QuerySet[Attendance]:
    return training.attendances.select_related("cadre", "cadre__unit").order_by("signed_at", "cadre__code")


@dataclass(frozen=True)
class CoverageRow:
    label: str
    cadres: int
    trained: int
    person_times: int

    @property
    def coverage(self) -> float:
        return round(100 * self.trained / self.cadres, 1) if self.cadres else 0.0


@dataclass(frozen=True)
class Coverage:
    period: Period
    trainings: int
    total: CoverageRow
    by_unit: list[CoverageRow]
    by_category: list[CoverageRow]


def coverage(scope: Scope, period: Period) -> Coverage:
    """Person-times (attendance rows) and distinct cadres trained over the scope's cadres, for the
    trainings dated in `period`, by the cadre's unit and by each category the cadre holds."""
    cadres = list(cadre_list(scope).values_list("pk", "unit__name", "unit__code", "categories"))
    ids = [pk for pk, *_ in cadres]
    in_period = Attendance.objects.filter(training__date__gte=period.start, training__date__lte=period.end)
    times: Counter[int] = Counter()
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        times.update(
            dict(
                in_period.filter(cadre_id__in=chunk)
                .values_list("cadre_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
        )
    units: dict[tuple[str, str], list[int]] = defaultdict(list)
    categories: dict[str, list[int]] = defaultdict(list)
    for pk, unit_name, unit_code, held in cadres:
        units[(unit_code, unit_name)].append(pk)
        for category in held.strip(",").split(","):
            if category:
                categories[category].append(pk)

    def row(label: str, members: list[int]) -> CoverageRow:
        return CoverageRow(
            label, len(members), sum(1 for m in members if times[m]), sum(times[m] for m in members)
        )

    labels = dict(CadreCategory.choices)
    trainings = training_list(scope, period=period).count()
    return Coverage(
        period=period,
        trainings=trainings,
        total=row("合计", ids),
        by_unit=[row(name, members) for (_, name), members in sorted(units.items())],
        by_category=[row(str(labels[c]), categories[c]) for c in CadreCategory.values if c in categories],
    )
