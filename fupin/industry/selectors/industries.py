"""Reads of featured industries and the households in them, scoped by area.

Coverage (中长期产业覆盖): of the registered poor households (脱贫属性 未脱贫, 已脱贫 or 返贫) in the
area, those with at least one medium- or long-term industry recorded for the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from fupin.core.models import choice_label
from fupin.core.scope import Scope
from fupin.industry.models import (
    FeaturedIndustry,
    HouseholdIndustry,
    HouseholdSubsidy,
    ScaleUnit,
    SubsidyStatus,
)
from fupin.registry.models import Household, PovertyStatus

REGISTERED = (PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED)


def industry_list(scope: Scope) -> QuerySet[FeaturedIndustry]:
    """The industries of the counties the scope reaches into (a town sees its county's list)."""
    if scope.area_prefixes is None:
        return FeaturedIndustry.objects.select_related("county")
    counties = {prefix[:6] for prefix in scope.area_prefixes}
    return FeaturedIndustry.objects.filter(county__code__in=[f"{c}000000" for c in counties]).select_related(
        "county"
    )


def industry_get(scope: Scope, pk: int) -> FeaturedIndustry | None:
    return industry_list(scope).filter(pk=pk).first()


@dataclass(frozen=True)
class IndustryRow:
    industry: FeaturedIndustry
    households: int
    scale: Decimal

    @property
    def unit(self) -> str:
        return choice_label(ScaleUnit, self.industry.scale_unit)


def industry_rows(scope: Scope, year: int) -> list[IndustryRow]:
    """Each visible industry with the area's households in it and their scale in the year."""
    totals: dict[int, tuple[int, Decimal]] = {
        industry_id: (n, scale or Decimal(0))
        for industry_id, n, scale in HouseholdIndustry.objects.filter(scope.area_q("area_code"), year=year)
        .values("industry_id")
        .annotate(n=Count("household_id", distinct=True), scale=Sum("scale"))
        .values_list("industry_id", "n", "scale")
    }
    return [
        IndustryRow(
            industry=industry,
            households=totals.get(industry.pk, (0, Decimal(0)))[0],
            scale=totals.get(industry.pk, (0, Decimal(0)))[1],
        )
        for industry in industry_list(scope)
    ]


def industry_households(
    scope: Scope, industry: FeaturedIndustry, year: int | None
) -> QuerySet[HouseholdIndustry]:
    """The industry's households in `year` (None: every year) within the scope."""
    records = HouseholdIndustry.objects.filter(scope.area_q("area_code"), industry=industry)
    if year is not None:
        records = records.filter(year=year)
    return records.select_related("household", "household__village").order_by("area_code", "household__code")


def household_industries(household: Household) -> QuerySet[HouseholdIndustry]:
    return HouseholdIndustry.objects.filter(household=household).select_related("industry").order_by("-year")


def _with_mlt(year: int) -> Exists:
    return Exists(
        HouseholdIndustry.objects.filter(household=OuterRef("pk"), year=year, industry__medium_long_term=True)
    )


@dataclass(frozen=True)
class Coverage:
    registered: int
    covered: int

    @property
    def uncovered(self) -> int:
        return self.registered - self.covered

    @property
    def percent(self) -> str:
        return f"{self.covered * 100 / self.registered:.1f}" if self.registered else "—"


def coverage(scope: Scope, year: int) -> Coverage:
    households = Household.objects.filter(scope.area_q("area_code"), poverty_status__in=REGISTERED)
    row = households.aggregate(n=Count("pk"))
    covered = households.filter(_with_mlt(year)).count()
    return Coverage(registered=row["n"] or 0, covered=covered)


def uncovered_households(scope: Scope, year: int) -> QuerySet[Household]:
    """Registered poor households with no medium/long-term industry in the year: a work list."""
    return (
        Household.objects.filter(scope.area_q("area_code"), poverty_status__in=REGISTERED)
        .exclude(_with_mlt(year))
        .select_related("village")
        .order_by("area_code", "code")
    )


def subsidy_list(scope: Scope, *, year: int | None = None, status: str = "") -> QuerySet[HouseholdSubsidy]:
    subsidies = HouseholdSubsidy.objects.filter(scope.area_q("area_code")).select_related(
        "household", "household__village", "industry"
    )
    if year:
        subsidies = subsidies.filter(year=year)
    if status:
        subsidies = subsidies.filter(status=status)
    return subsidies.order_by("-year", "code")


def subsidy_get(scope: Scope, pk: int) -> HouseholdSubsidy | None:
    return subsidy_list(scope).filter(pk=pk).first()


def subsidy_counts(subsidies: QuerySet[HouseholdSubsidy]) -> dict[str, int]:
    """Status → count, and the amounts accepted and paid in fen."""
    counts: dict[str, int] = dict(subsidies.order_by().values_list("status").annotate(n=Count("pk")))
    totals = subsidies.aggregate(
        accepted=Sum("amount_fen"), paid=Sum("amount_fen", filter=Q(status=SubsidyStatus.PAID))
    )
    return counts | {"accepted_fen": int(totals["accepted"] or 0), "paid_fen": int(totals["paid"] or 0)}
