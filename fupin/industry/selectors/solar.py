"""Reads of solar stations and distributions, scoped by area.

A station is visible to whoever sees one of its owning villages (or its own place); a plan and its
payouts to whoever sees its village. Figures come from the same queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from fupin.core.scope import Scope
from fupin.industry.models import (
    SolarAllocation,
    SolarBeneficiary,
    SolarDistribution,
    SolarIncome,
    SolarOwnership,
    SolarPayout,
    SolarStation,
)


def station_list(scope: Scope) -> QuerySet[SolarStation]:
    visible = scope.area_q("owners__village__code") | scope.area_q("area__code")
    ids = SolarStation.objects.filter(visible).values("pk")
    return (
        SolarStation.objects.filter(pk__in=ids)
        .select_related("area")
        .prefetch_related(Prefetch("owners", queryset=SolarOwnership.objects.select_related("village")))
        .order_by("code")
    )


def station_get(scope: Scope, pk: int) -> SolarStation | None:
    return station_list(scope).filter(pk=pk).first()


def station_incomes(station: SolarStation, year: int | None = None) -> QuerySet[SolarIncome]:
    incomes = station.incomes.order_by("month")
    return incomes.filter(month__year=year) if year else incomes


def station_year_totals(stations: list[SolarStation], year: int) -> dict[int, tuple[int, int]]:
    """Station id → (income in fen, kWh rounded) for the year."""
    rows = (
        SolarIncome.objects.filter(station__in=stations, month__year=year)
        .values("station_id")
        .annotate(fen=Sum("income_fen"), kwh=Sum("generation_kwh"))
    )
    return {r["station_id"]: (int(r["fen"] or 0), int(r["kwh"] or 0)) for r in rows}


def distribution_list(
    scope: Scope, *, year: int | None = None, status: str = ""
) -> QuerySet[SolarDistribution]:
    plans = SolarDistribution.objects.filter(scope.area_q("area_code")).select_related("village")
    if year:
        plans = plans.filter(year=year)
    if status:
        plans = plans.filter(status=status)
    return plans.annotate(households=Count("payouts__household_code", distinct=True)).order_by(
        "-year", "area_code"
    )


def distribution_get(scope: Scope, pk: int) -> SolarDistribution | None:
    return (
        SolarDistribution.objects.filter(scope.area_q("area_code"), pk=pk)
        .select_related("village")
        .prefetch_related(Prefetch("allocations", queryset=SolarAllocation.objects.order_by("use")))
        .first()
    )


def beneficiaries_of(distribution: SolarDistribution) -> QuerySet[SolarBeneficiary]:
    return distribution.beneficiaries.select_related("household").order_by("use", "household__code")


def payouts_of_plan(distribution: SolarDistribution) -> QuerySet[SolarPayout]:
    return distribution.payouts.order_by("use", "household_code")


@dataclass(frozen=True)
class PayoutTotals:
    households: int
    payout_fen: int


def payout_totals(scope: Scope, year: int | None = None) -> PayoutTotals:
    payouts = SolarPayout.objects.filter(scope.area_q("village_code"))
    if year:
        payouts = payouts.filter(distribution__year=year)
    row = payouts.aggregate(households=Count("household_code", distinct=True), fen=Sum("amount_fen"))
    return PayoutTotals(households=row["households"] or 0, payout_fen=int(row["fen"] or 0))


def publicity_rows(scope: Scope, year: int, village_code: str = "") -> QuerySet[SolarPayout]:
    """The frozen payouts of a year for the publicity list (公示名单): snapshot fields only."""
    payouts = SolarPayout.objects.filter(scope.area_q("village_code"), distribution__year=year)
    if village_code:
        payouts = payouts.filter(Q(village_code=village_code))
    return payouts.order_by("village_code", "use", "household_code")
