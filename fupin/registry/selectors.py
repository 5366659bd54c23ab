"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from fupin.core import areacode
from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.registry.models import (
    HardshipEvent,
    Household,
    IncomeItem,
    Member,
    MonitoringCase,
    MonitoringStatus,
    Procedure,
    ProcedureStep,
    StatusChange,
)
from fupin.registry.procedures import MONITORING_DEADLINE_DAYS
from fupin.registry.risk import counted_net_income, per_capita
from fupin.registry.visibility import household_q


def household_list(
    scope: Scope,
    *,
    area_code: str = "",
    status: str = "",
    cause: str = "",
    category: str = "",
    search: str = "",
) -> QuerySet[Household]:
    """Households the scope may see, filtered; `search` matches the head's or a member's name in
    characters or pinyin, the household code, or a member's full ID number."""
    households = Household.objects.filter(household_q(scope))
    if area_code:
        households = households.filter(area_code__startswith=areacode.prefix_of(area_code))
    if status:
        households = households.filter(poverty_status=status)
    if cause:
        households = households.filter(Q(main_cause=cause) | Q(other_causes__contains=f",{cause},"))
    if category:
        households = households.filter(category=category)
    if search:
        households = households.filter(_search_q(search))
    return households


def _search_q(text: str) -> Q:
    text = text.strip()
    names = Q(name__contains=text)
    q = Q(code=text) | Q(head_name__contains=text)
    if text.isascii():
        # Pinyin or initials: "wangdaming", "wdm".
        q |= Q(search_key__contains=text.lower())
        names |= Q(search_key__contains=text.lower()) | Q(id_number=text.upper())
    return q | Q(pk__in=Member.objects.filter(names).values("household_id"))


def household_get(scope: Scope, code: str) -> Household | None:
    return household_list(scope).select_related("village", "village__parent").filter(code=code).first()


def member_list(scope: Scope, household: Household) -> QuerySet[Member]:
    return Member.objects.filter(household=household, household__in=household_list(scope))


# The household file (户档案) ---------------------------------------------------------------------


@dataclass(frozen=True)
class YearIncome:
    year: int
    items: list[IncomeItem]
    # Σ sign × amount over the counted kinds, and that total per household member.
    counted_total: Decimal
    per_capita: Decimal


def income_by_year(household: Household) -> list[YearIncome]:
    """The household's line items grouped by year, newest first, with the counted totals."""
    by_year: dict[int, list[IncomeItem]] = {}
    for item in IncomeItem.objects.filter(household=household).order_by("-year", "kind"):
        by_year.setdefault(item.year, []).append(item)
    return [
        YearIncome(year, items, total, per_capita(total, household.size))
        for year, items in by_year.items()
        for total in [counted_net_income(items)]
    ]


def procedure_list(household: Household) -> QuerySet[Procedure]:
    """The household's procedures, newest first, with their steps in the order they were recorded."""
    return Procedure.objects.filter(household=household).prefetch_related(
        Prefetch("steps", queryset=ProcedureStep.objects.order_by("id"))
    )


def status_history(household: Household) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(household=household).order_by("on", "id")


def hardship_events(household: Household) -> QuerySet[HardshipEvent]:
    return HardshipEvent.objects.filter(household=household)


def household_history(household: Household) -> QuerySet[ChangeLog]:
    """The 变更记录 of the household and everything on its file (members, income, procedures,
    monitoring, events), newest first, in one query."""
    parts = [
        ("registry.household", Household.objects.filter(pk=household.pk)),
        ("registry.member", Member.objects.filter(household=household)),
        ("registry.incomeitem", IncomeItem.objects.filter(household=household)),
        ("registry.procedure", Procedure.objects.filter(household=household)),
        ("registry.monitoringcase", MonitoringCase.objects.filter(household=household)),
        ("registry.hardshipevent", HardshipEvent.objects.filter(household=household)),
    ]
    q = Q(pk__in=[])
    for object_type, rows in parts:
        q |= Q(object_type=object_type, object_id__in=rows.values("pk"))
    # Deleted income items are gone from their table; their rows are found through the household code.
    q |= Q(object_type="registry.incomeitem", action="delete", before__户编号=household.code)
    return ChangeLog.objects.filter(q).select_related("actor")


# Monitoring -------------------------------------------------------------------------------------


def monitoring_case_list(
    scope: Scope,
    *,
    status: str = "",
    monitoring_type: str = "",
    area_code: str = "",
    overdue_on: dt.date | None = None,
) -> QuerySet[MonitoringCase]:
    """Cases of the households the scope sees. With `overdue_on`, only cases still being identified
    whose 15-day deadline (lead + 15 days) had passed on that day."""
    cases = MonitoringCase.objects.filter(household__in=household_list(scope, area_code=area_code))
    if status:
        cases = cases.filter(status=status)
    if monitoring_type:
        cases = cases.filter(monitoring_type=monitoring_type)
    if overdue_on is not None:
        cases = cases.filter(
            status=MonitoringStatus.IDENTIFYING,
            lead_on__lt=overdue_on - dt.timedelta(days=MONITORING_DEADLINE_DAYS),
        )
    return cases.select_related("household", "household__village")


def monitoring_overdue(scope: Scope, today: dt.date) -> QuerySet[MonitoringCase]:
    return monitoring_case_list(scope, overdue_on=today)


def registered_by(as_of: dt.date) -> Q:
    """Households already registered in `as_of`'s year (识别年度)."""
    return Q(registered_year__lte=as_of.year)


def status_on(as_of: dt.date) -> Case:
    """An annotation: the 脱贫属性 a household had on `as_of` (docs/figures.md): the target of its
    last change on or before the day; if it changed only later, the status that first later change
    started from; if it never changed since, its current status."""
    later = StatusChange.objects.filter(household=OuterRef("pk"), on__gt=as_of)
    last_before = (
        StatusChange.objects.filter(household=OuterRef("pk"), on__lte=as_of)
        .order_by("-on", "-id")
        .values("to_status")[:1]
    )
    first_after = later.order_by("on", "id").values("from_status")[:1]
    return Case(
        When(Exists(later), then=Coalesce(Subquery(last_before), Subquery(first_after))),
        default=F("poverty_status"),
    )
