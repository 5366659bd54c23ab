"""The `industry`, `finance` and `solar` sections of the figures document (docs/figures.md), for the year of
`month`.

Solar:

Income is the stations' income of the year's months up to and including `month`, each station's
split among its owning villages by share to the fen (as the plans are), summed over the villages
in the area. Distribution figures count the area's plans of that year that were frozen (定稿) with
a township approval date on or before `as_of`; households are counted by household code, once
however many uses pay them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum

from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.industry.models import (
    BenefitLink,
    BusinessEntity,
    DistributionStatus,
    FeaturedIndustry,
    FundAllocation,
    FundSource,
    HouseholdIndustry,
    HouseholdSubsidy,
    InsuranceClaim,
    InsurancePolicy,
    LinkIncome,
    LoanRepayment,
    MicroLoan,
    MutualAidAssociation,
    MutualAidLoan,
    ScaleUnit,
    SolarAllocation,
    SolarDistribution,
    SolarIncome,
    SolarOwnership,
    SolarPayout,
    SolarStation,
    SolarUse,
)
from fupin.industry.money import split_fen
from fupin.industry.selectors.entities import active_on
from fupin.industry.selectors.finance import with_outstanding
from fupin.registry.figures import StatusesAsOf


def _area_income_fen(prefix: str, year: int, month: int) -> int:
    totals = dict(
        SolarIncome.objects.filter(month__year=year, month__month__lte=month)
        .values_list("station_id")
        .annotate(total=Sum("income_fen"))
        .values_list("station_id", "total")
    )
    owners: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for station_id, code, share in SolarOwnership.objects.filter(station_id__in=list(totals)).values_list(
        "station_id", "village__code", "share"
    ):
        owners[station_id].append((code, share))
    income = 0
    for station_id, total in totals.items():
        shares = owners.get(station_id)
        if not shares:
            continue
        parts = split_fen(int(total or 0), shares)
        income += sum(fen for code, fen in parts.items() if code.startswith(prefix))
    return income


def solar_section(area_code: str, year: int, month: int, as_of: dt.date) -> dict[str, Any]:
    prefix = areacode.prefix_of(area_code)
    stations = SolarStation.objects.filter(
        Q(owners__village__code__startswith=prefix) | Q(area__code__startswith=prefix)
    ).distinct()
    capacity = SolarStation.objects.filter(pk__in=stations.values("pk")).aggregate(kw=Sum("capacity_kw"))[
        "kw"
    ]
    plans = SolarDistribution.objects.filter(
        area_code__startswith=prefix, year=year, status=DistributionStatus.FROZEN, approved_on__lte=as_of
    )
    plan_totals = plans.aggregate(n=Count("pk"), fen=Sum("total_fen"))
    by_use = {
        choice_label(SolarUse, use): int(fen)
        for use, fen in SolarAllocation.objects.filter(distribution__in=plans, amount_fen__gt=0)
        .values_list("use")
        .annotate(fen=Sum("amount_fen"))
        .order_by("use")
    }
    payouts = SolarPayout.objects.filter(distribution__in=plans).aggregate(
        households=Count("household_code", distinct=True), fen=Sum("amount_fen")
    )
    return {
        "stations": stations.count(),
        "capacity_kw": str((capacity or Decimal(0)).quantize(Decimal("0.01"))),
        "income_fen": _area_income_fen(prefix, year, month),
        "villages_distributed": plan_totals["n"] or 0,
        "distributed_fen": int(plan_totals["fen"] or 0),
        "by_use_fen": by_use,
        "households_paid": payouts["households"] or 0,
        "payout_fen": int(payouts["fen"] or 0),
    }


def industry_section(area_code: str, year: int, as_of: dt.date, statuses: StatusesAsOf) -> dict[str, Any]:
    """The `industry` section: the county's featured industries, and of the households counted by
    the registry section on as_of, those with an industry and with a medium/long-term one in the
    year of `month`; by industry, households and scale; the year's subsidies accepted and paid by
    as_of."""
    prefix = areacode.prefix_of(area_code)
    counted = set(statuses.ids())
    records = HouseholdIndustry.objects.filter(area_code__startswith=prefix, year=year)
    with_any: set[int] = set()
    with_mlt: set[int] = set()
    for household_id, mlt in records.values_list("household_id", "industry__medium_long_term").iterator(
        chunk_size=5000
    ):
        if household_id in counted:
            with_any.add(household_id)
            if mlt:
                with_mlt.add(household_id)
    industries = FeaturedIndustry.objects.filter(county__code=f"{area_code[:6]}000000")
    by_industry = {
        name: {
            "households": n,
            "scale": str(scale.quantize(Decimal("0.01"))),
            "unit": choice_label(ScaleUnit, unit),
        }
        for name, unit, n, scale in records.values_list("industry__name", "industry__scale_unit")
        .annotate(n=Count("household_id", distinct=True), scale=Sum("scale"))
        .values_list("industry__name", "industry__scale_unit", "n", "scale")
        .order_by("industry__order", "industry__code")
    }
    subsidies = HouseholdSubsidy.objects.filter(area_code__startswith=prefix, year=year)
    accepted = subsidies.filter(accepted_on__lte=as_of, amount_fen__isnull=False)
    paid = accepted.filter(paid_on__lte=as_of)
    money = accepted.aggregate(
        accepted=Sum("amount_fen"), paid=Sum("amount_fen", filter=Q(paid_on__lte=as_of))
    )
    return {
        "featured_industries": industries.count(),
        "households_in_industries": len(with_any),
        "households_with_mlt_industry": len(with_mlt),
        "households_without_mlt_industry": len(counted) - len(with_mlt),
        "by_industry": by_industry,
        "subsidies_applied": subsidies.filter(applied_on__lte=as_of).count(),
        "subsidies_accepted": accepted.count(),
        "subsidies_paid": paid.count(),
        "subsidy_accepted_fen": int(money["accepted"] or 0),
        "subsidy_paid_fen": int(money["paid"] or 0),
        **linkage_figures(area_code, year, as_of, counted),
    }


def finance_section(area_code: str, year: int, as_of: dt.date) -> dict[str, Any]:
    """The `finance` section: microcredit issued in the year up to as_of, owed and overdue on
    as_of, and the interest subsidy (interest paid in the year up to as_of, on or before the
    loan's due date)."""
    prefix = areacode.prefix_of(area_code)
    loans = MicroLoan.objects.filter(area_code__startswith=prefix, start_date__lte=as_of)
    issued = loans.filter(start_date__year=year).aggregate(n=Count("pk"), fen=Sum("amount_fen"))
    owing = with_outstanding(loans, as_of).filter(amount_fen__gt=F("repaid_fen"))
    totals = owing.aggregate(
        n=Count("pk"),
        households=Count("household_id", distinct=True),
        fen=Sum(F("amount_fen") - F("repaid_fen")),
        overdue=Count("pk", filter=Q(due_date__lt=as_of)),
        overdue_fen=Sum(F("amount_fen") - F("repaid_fen"), filter=Q(due_date__lt=as_of)),
    )
    subsidy = LoanRepayment.objects.filter(
        loan__area_code__startswith=prefix, paid_on__year=year, paid_on__lte=as_of
    ).filter(paid_on__lte=F("loan__due_date"))
    return {
        **_fund_figures(area_code, year),
        **_insurance_figures(area_code, year, as_of),
        **_mutual_aid_figures(area_code, year, as_of),
        "loans_issued": issued["n"] or 0,
        "loan_amount_issued_fen": int(issued["fen"] or 0),
        "loans_outstanding": totals["n"] or 0,
        "households_with_loans": totals["households"] or 0,
        "outstanding_fen": int(totals["fen"] or 0),
        "overdue_loans": totals["overdue"] or 0,
        "overdue_fen": int(totals["overdue_fen"] or 0),
        "interest_subsidy_fen": int(subsidy.aggregate(fen=Sum("interest_fen"))["fen"] or 0),
    }


def linkage_figures(area_code: str, year: int, as_of: dt.date, counted: set[int]) -> dict[str, int]:
    """Business entities registered in the area (new: established in the year by as_of), and the
    counted households with a benefit link active on as_of and what links paid them in the year."""
    prefix = areacode.prefix_of(area_code)
    entities = BusinessEntity.objects.filter(area_code__startswith=prefix, established_on__lte=as_of)
    links = BenefitLink.objects.filter(area_code__startswith=prefix).filter(active_on(as_of))
    linked = {
        h for h in links.values_list("household_id", flat=True).iterator(chunk_size=5000) if h in counted
    }
    income = LinkIncome.objects.filter(link__area_code__startswith=prefix, year=year).aggregate(
        fen=Sum("income_fen")
    )
    return {
        "business_entities": entities.count(),
        "new_business_entities": entities.filter(established_on__year=year).count(),
        "entities_with_links": links.values("entity_id").distinct().count(),
        "linked_households": len(linked),
        "link_income_fen": int(income["fen"] or 0),
    }


def _fund_figures(area_code: str, year: int) -> dict[str, int]:
    """Integrated funds of the year: the sources of the counties inside the area, and what was
    allocated to and spent on projects inside the area."""
    prefix = areacode.prefix_of(area_code)
    sources = FundSource.objects.filter(county__code__startswith=prefix, year=year).aggregate(
        fen=Sum("amount_fen")
    )
    allocations = FundAllocation.objects.filter(project__area_code__startswith=prefix, project__year=year)
    totals = allocations.aggregate(
        projects=Count("project_id", distinct=True), fen=Sum("amount_fen"), spent=Sum("spent_fen")
    )
    return {
        "integrated_fund_fen": int(sources["fen"] or 0),
        "integrated_projects": totals["projects"] or 0,
        "integrated_allocated_fen": int(totals["fen"] or 0),
        "integrated_spent_fen": int(totals["spent"] or 0),
    }


def _insurance_figures(area_code: str, year: int, as_of: dt.date) -> dict[str, int]:
    """Policies in force on as_of and their households; the premium subsidy of policies that began in
    the year by as_of; claims paid in the year by as_of."""
    prefix = areacode.prefix_of(area_code)
    policies = InsurancePolicy.objects.filter(area_code__startswith=prefix)
    in_force = policies.filter(starts_on__lte=as_of, ends_on__gte=as_of).aggregate(
        n=Count("pk"), households=Count("household_id", distinct=True)
    )
    subsidy = policies.filter(starts_on__year=year, starts_on__lte=as_of).aggregate(
        fen=Sum("premium_subsidy_fen")
    )
    claims = InsuranceClaim.objects.filter(
        policy__area_code__startswith=prefix, paid_on__year=year, paid_on__lte=as_of
    ).aggregate(n=Count("pk"), fen=Sum("paid_fen"))
    return {
        "insurance_policies": in_force["n"] or 0,
        "insured_households": in_force["households"] or 0,
        "premium_subsidy_fen": int(subsidy["fen"] or 0),
        "claims_paid": claims["n"] or 0,
        "claims_paid_fen": int(claims["fen"] or 0),
    }


def _mutual_aid_figures(area_code: str, year: int, as_of: dt.date) -> dict[str, int]:
    """Associations in the area (established by as_of) and their funds; loans made in the year by
    as_of; loans out on as_of (made and not repaid) and how many of those are past due."""
    prefix = areacode.prefix_of(area_code)
    associations = MutualAidAssociation.objects.filter(
        area_code__startswith=prefix, established_on__lte=as_of
    )
    funds = associations.aggregate(n=Count("pk"), fen=Sum("fund_fen"))
    loans = MutualAidLoan.objects.filter(area_code__startswith=prefix, lent_on__lte=as_of)
    made = loans.filter(lent_on__year=year).aggregate(n=Count("pk"), fen=Sum("amount_fen"))
    out = loans.filter(Q(repaid_on__isnull=True) | Q(repaid_on__gt=as_of))
    out_totals = out.aggregate(
        n=Count("pk"), fen=Sum("amount_fen"), overdue=Count("pk", filter=Q(due_on__lt=as_of))
    )
    return {
        "mutual_aid_associations": funds["n"] or 0,
        "mutual_aid_fund_fen": int(funds["fen"] or 0),
        "mutual_aid_loans_made": made["n"] or 0,
        "mutual_aid_lent_fen": int(made["fen"] or 0),
        "mutual_aid_loans_out": out_totals["n"] or 0,
        "mutual_aid_out_fen": int(out_totals["fen"] or 0),
        "mutual_aid_overdue": out_totals["overdue"] or 0,
    }
