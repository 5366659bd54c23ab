"""Shared by the sections of this package: the records behind each figure (querysets and their Q
filters) and the helpers of the grouped sections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet

from fupin.areas.spread import sets_by_area
from fupin.areas.tree import CountyTree
from fupin.industry.models import (
    BenefitLink,
    BusinessEntity,
    FundAllocation,
    FundSource,
    HouseholdIndustry,
    HouseholdSubsidy,
    InsuranceClaim,
    InsurancePolicy,
    LinkIncome,
    MicroLoan,
    MutualAidAssociation,
    MutualAidLoan,
)
from fupin.industry.selectors.entities import active_on
from fupin.industry.selectors.finance import with_outstanding
from fupin.registry.figures import CountyStatuses

# The records behind each figure, one definition for the per-area sections and the grouped ones
# (which pass the county's prefix).


def _household_industries(prefix: str, year: int) -> QuerySet[HouseholdIndustry]:
    return HouseholdIndustry.objects.filter(area_code__startswith=prefix, year=year)


def _subsidies(prefix: str, year: int) -> QuerySet[HouseholdSubsidy]:
    return HouseholdSubsidy.objects.filter(area_code__startswith=prefix, year=year)


def _applied_q(as_of: dt.date) -> Q:
    return Q(applied_on__lte=as_of)


def _microloans(prefix: str, as_of: dt.date) -> QuerySet[MicroLoan]:
    return MicroLoan.objects.filter(area_code__startswith=prefix, start_date__lte=as_of)


def _issued_q(year: int) -> Q:
    return Q(start_date__year=year)


def _owing(loans: QuerySet[MicroLoan], as_of: dt.date) -> QuerySet[MicroLoan]:
    """The loans with principal still owed at the end of as_of, annotated with repaid_fen."""
    return with_outstanding(loans, as_of).filter(amount_fen__gt=F("repaid_fen"))


def _overdue_q(as_of: dt.date) -> Q:
    return Q(due_date__lt=as_of)


def _entities(prefix: str, as_of: dt.date) -> QuerySet[BusinessEntity]:
    return BusinessEntity.objects.filter(area_code__startswith=prefix, established_on__lte=as_of)


def _new_q(year: int) -> Q:
    return Q(established_on__year=year)


def _links(prefix: str, as_of: dt.date) -> QuerySet[BenefitLink]:
    return BenefitLink.objects.filter(area_code__startswith=prefix).filter(active_on(as_of))


def _link_incomes(prefix: str, year: int) -> QuerySet[LinkIncome]:
    return LinkIncome.objects.filter(link__area_code__startswith=prefix, year=year)


def _fund_sources(prefix: str, year: int) -> QuerySet[FundSource]:
    return FundSource.objects.filter(county__code__startswith=prefix, year=year)


def _fund_allocations(prefix: str, year: int) -> QuerySet[FundAllocation]:
    return FundAllocation.objects.filter(project__area_code__startswith=prefix, project__year=year)


def _policies(prefix: str) -> QuerySet[InsurancePolicy]:
    return InsurancePolicy.objects.filter(area_code__startswith=prefix)


def _in_force_q(as_of: dt.date) -> Q:
    return Q(starts_on__lte=as_of, ends_on__gte=as_of)


def _premium_subsidised_q(year: int, as_of: dt.date) -> Q:
    return Q(starts_on__year=year, starts_on__lte=as_of)


def _claims(prefix: str, year: int, as_of: dt.date) -> QuerySet[InsuranceClaim]:
    return InsuranceClaim.objects.filter(
        policy__area_code__startswith=prefix, paid_on__year=year, paid_on__lte=as_of
    )


def _associations(prefix: str, as_of: dt.date) -> QuerySet[MutualAidAssociation]:
    return MutualAidAssociation.objects.filter(area_code__startswith=prefix, established_on__lte=as_of)


def _mutual_aid_loans(prefix: str, as_of: dt.date) -> QuerySet[MutualAidLoan]:
    return MutualAidLoan.objects.filter(area_code__startswith=prefix, lent_on__lte=as_of)


def _made_q(year: int) -> Q:
    return Q(lent_on__year=year)


def _mutual_aid_overdue_q(as_of: dt.date) -> Q:
    return Q(due_on__lt=as_of)


# Helpers of the grouped sections (the *_section_by_area functions).


Industry = tuple[str, str, int, str]


def _fen(amount: Any) -> int:
    return int(amount or 0)


def _counted_by_area(tree: CountyTree, statuses: CountyStatuses) -> dict[str, set[int]]:
    """Each area's counted households: the ids that statuses.for_area(code).ids() gives."""
    return sets_by_area(tree, ((code, pk) for pk, code in statuses.area_by_household.items()))
