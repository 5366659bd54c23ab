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

from django.db.models import Count, F, Q, QuerySet, Sum

from fupin.areas.spread import containing_of, counts_by_area, maps_by_area, sets_by_area
from fupin.areas.tree import CountyTree
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
from fupin.registry.figures import CountyStatuses, StatusesAsOf


def _village_income_fen(year: int, month: int) -> dict[str, int]:
    """Each owning village's part of the stations' income of the year up to `month`, to the fen."""
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
    income: dict[str, int] = defaultdict(int)
    for station_id, total in totals.items():
        shares = owners.get(station_id)
        if not shares:
            continue
        for code, fen in split_fen(int(total or 0), shares).items():
            income[code] += fen
    return income


def _area_income_fen(prefix: str, year: int, month: int) -> int:
    return sum(fen for code, fen in _village_income_fen(year, month).items() if code.startswith(prefix))


def _stations_q(prefix: str) -> Q:
    return Q(owners__village__code__startswith=prefix) | Q(area__code__startswith=prefix)


def _frozen_plans(prefix: str, year: int, as_of: dt.date) -> QuerySet[SolarDistribution]:
    return SolarDistribution.objects.filter(
        area_code__startswith=prefix, year=year, status=DistributionStatus.FROZEN, approved_on__lte=as_of
    )


def _allocations(plans: QuerySet[SolarDistribution]) -> QuerySet[SolarAllocation]:
    return SolarAllocation.objects.filter(distribution__in=plans, amount_fen__gt=0)


def solar_section(area_code: str, year: int, month: int, as_of: dt.date) -> dict[str, Any]:
    prefix = areacode.prefix_of(area_code)
    stations = SolarStation.objects.filter(_stations_q(prefix)).distinct()
    capacity = SolarStation.objects.filter(pk__in=stations.values("pk")).aggregate(kw=Sum("capacity_kw"))[
        "kw"
    ]
    plans = _frozen_plans(prefix, year, as_of)
    plan_totals = plans.aggregate(n=Count("pk"), fen=Sum("total_fen"))
    by_use = {
        choice_label(SolarUse, use): int(fen)
        for use, fen in _allocations(plans).values_list("use").annotate(fen=Sum("amount_fen")).order_by("use")
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
    records = _household_industries(prefix, year)
    with_any: set[int] = set()
    with_mlt: set[int] = set()
    for household_id, mlt in records.values_list("household_id", "industry__medium_long_term").iterator(
        chunk_size=5000
    ):
        if household_id in counted:
            with_any.add(household_id)
            if mlt:
                with_mlt.add(household_id)
    industries = _featured_industries(area_code)
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
    subsidies = _subsidies(prefix, year)
    accepted = subsidies.filter(_accepted_q(as_of))
    paid = accepted.filter(_paid_q(as_of))
    money = accepted.aggregate(accepted=Sum("amount_fen"), paid=Sum("amount_fen", filter=_paid_q(as_of)))
    return {
        "featured_industries": industries.count(),
        "households_in_industries": len(with_any),
        "households_with_mlt_industry": len(with_mlt),
        "households_without_mlt_industry": len(counted) - len(with_mlt),
        "by_industry": by_industry,
        "subsidies_applied": subsidies.filter(_applied_q(as_of)).count(),
        "subsidies_accepted": accepted.count(),
        "subsidies_paid": paid.count(),
        "subsidy_accepted_fen": int(money["accepted"] or 0),
        "subsidy_paid_fen": int(money["paid"] or 0),
        **linkage_figures(area_code, year, as_of, counted),
    }


def _featured_industries(area_code: str) -> QuerySet[FeaturedIndustry]:
    return FeaturedIndustry.objects.filter(county__code=f"{area_code[:6]}000000")


def _accepted_q(as_of: dt.date) -> Q:
    return Q(accepted_on__lte=as_of, amount_fen__isnull=False)


def _paid_q(as_of: dt.date) -> Q:
    return Q(paid_on__lte=as_of)


def finance_section(area_code: str, year: int, as_of: dt.date) -> dict[str, Any]:
    """The `finance` section: microcredit issued in the year up to as_of, owed and overdue on
    as_of, and the interest subsidy (interest paid in the year up to as_of, on or before the
    loan's due date)."""
    prefix = areacode.prefix_of(area_code)
    loans = _microloans(prefix, as_of)
    issued = loans.filter(_issued_q(year)).aggregate(n=Count("pk"), fen=Sum("amount_fen"))
    owing = _owing(loans, as_of)
    totals = owing.aggregate(
        n=Count("pk"),
        households=Count("household_id", distinct=True),
        fen=Sum(F("amount_fen") - F("repaid_fen")),
        overdue=Count("pk", filter=_overdue_q(as_of)),
        overdue_fen=Sum(F("amount_fen") - F("repaid_fen"), filter=_overdue_q(as_of)),
    )
    subsidy = _subsidised_repayments(prefix, year, as_of)
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


def _subsidised_repayments(prefix: str, year: int, as_of: dt.date) -> QuerySet[LoanRepayment]:
    return LoanRepayment.objects.filter(
        loan__area_code__startswith=prefix, paid_on__year=year, paid_on__lte=as_of
    ).filter(paid_on__lte=F("loan__due_date"))


def linkage_figures(area_code: str, year: int, as_of: dt.date, counted: set[int]) -> dict[str, int]:
    """Business entities registered in the area (new: established in the year by as_of), and the
    counted households with a benefit link active on as_of and what links paid them in the year."""
    prefix = areacode.prefix_of(area_code)
    entities = _entities(prefix, as_of)
    links = _links(prefix, as_of)
    linked = {
        h for h in links.values_list("household_id", flat=True).iterator(chunk_size=5000) if h in counted
    }
    income = _link_incomes(prefix, year).aggregate(fen=Sum("income_fen"))
    return {
        "business_entities": entities.count(),
        "new_business_entities": entities.filter(_new_q(year)).count(),
        "entities_with_links": links.values("entity_id").distinct().count(),
        "linked_households": len(linked),
        "link_income_fen": int(income["fen"] or 0),
    }


def _fund_figures(area_code: str, year: int) -> dict[str, int]:
    """Integrated funds of the year: the sources of the counties inside the area, and what was
    allocated to and spent on projects inside the area."""
    prefix = areacode.prefix_of(area_code)
    sources = _fund_sources(prefix, year).aggregate(fen=Sum("amount_fen"))
    allocations = _fund_allocations(prefix, year)
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
    policies = _policies(prefix)
    in_force = policies.filter(_in_force_q(as_of)).aggregate(
        n=Count("pk"), households=Count("household_id", distinct=True)
    )
    subsidy = policies.filter(_premium_subsidised_q(year, as_of)).aggregate(fen=Sum("premium_subsidy_fen"))
    claims = _claims(prefix, year, as_of).aggregate(n=Count("pk"), fen=Sum("paid_fen"))
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
    associations = _associations(prefix, as_of)
    funds = associations.aggregate(n=Count("pk"), fen=Sum("fund_fen"))
    loans = _mutual_aid_loans(prefix, as_of)
    made = loans.filter(_made_q(year)).aggregate(n=Count("pk"), fen=Sum("amount_fen"))
    out = loans.filter(_mutual_aid_out_q(as_of))
    out_totals = out.aggregate(
        n=Count("pk"), fen=Sum("amount_fen"), overdue=Count("pk", filter=_mutual_aid_overdue_q(as_of))
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


def _mutual_aid_out_q(as_of: dt.date) -> Q:
    """Made and not repaid at the end of as_of."""
    return Q(repaid_on__isnull=True) | Q(repaid_on__gt=as_of)


# The records behind each figure, one definition for the per-area sections above and the grouped
# ones below (which pass the county's prefix).


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


# All areas of a county in one pass: the county's rows read once, grouped by area code in SQL or
# fetched and bucketed here, by the same filters as the per-area sections above.


Industry = tuple[str, str, int, str]


def _fen(amount: Any) -> int:
    return int(amount or 0)


def _counted_by_area(tree: CountyTree, statuses: CountyStatuses) -> dict[str, set[int]]:
    """Each area's counted households: the ids that statuses.for_area(code).ids() gives."""
    return sets_by_area(tree, ((code, pk) for pk, code in statuses.area_by_household.items()))


def industry_section_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """industry_section of every area of the county (`year` is the year of `month`)."""
    prefix = areacode.prefix_of(tree.county_code)
    containing = containing_of(tree)
    counted = _counted_by_area(tree, statuses)
    records = _household_industries(prefix, year)
    with_any: dict[str, set[int]] = {code: set() for code in tree.codes}
    with_mlt: dict[str, set[int]] = {code: set() for code in tree.codes}
    # industry (as the per-area query groups it) → area → households and scale
    households_in: dict[tuple[str, str, int, str], dict[str, set[int]]] = defaultdict(
        lambda: defaultdict(set)
    )
    scale_in: dict[tuple[str, str, int, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    fields = ("industry__name", "industry__scale_unit", "industry__order", "industry__code")
    for code, household_id, mlt, scale, *industry in records.values_list(
        "area_code", "household_id", "industry__medium_long_term", "scale", *fields
    ).iterator(chunk_size=5000):
        key = (industry[0], industry[1], industry[2], industry[3])
        for area in containing(code):
            if household_id in counted[area]:
                with_any[area].add(household_id)
                if mlt:
                    with_mlt[area].add(household_id)
            households_in[key][area].add(household_id)
            scale_in[key][area] += scale
    # The industries in the order the per-area query gives them.
    ordered = list(records.values_list(*fields).distinct().order_by("industry__order", "industry__code"))
    featured = _featured_industries(tree.county_code).count()
    accepted, paid = _accepted_q(as_of), _accepted_q(as_of) & _paid_q(as_of)
    subsidy_rows = list(
        _subsidies(prefix, year)
        .values_list("area_code")
        .annotate(
            applied=Count("pk", filter=_applied_q(as_of)),
            accepted=Count("pk", filter=accepted),
            paid=Count("pk", filter=paid),
            accepted_fen=Sum("amount_fen", filter=accepted),
            paid_fen=Sum("amount_fen", filter=paid),
        )
        .values_list("area_code", "applied", "accepted", "paid", "accepted_fen", "paid_fen")
        .order_by()
    )
    subsidies = [counts_by_area(tree, ((row[0], _fen(row[i])) for row in subsidy_rows)) for i in range(1, 6)]
    linkage = linkage_figures_by_area(tree, year, as_of, counted)
    result: dict[str, dict[str, Any]] = {}
    for code in tree.codes:
        by_industry: dict[str, dict[str, Any]] = {}
        for key in ordered:
            if code in households_in[key]:
                by_industry[key[0]] = {
                    "households": len(households_in[key][code]),
                    "scale": str(scale_in[key][code].quantize(Decimal("0.01"))),
                    "unit": choice_label(ScaleUnit, key[1]),
                }
        result[code] = {
            "featured_industries": featured,
            "households_in_industries": len(with_any[code]),
            "households_with_mlt_industry": len(with_mlt[code]),
            "households_without_mlt_industry": len(counted[code]) - len(with_mlt[code]),
            "by_industry": by_industry,
            "subsidies_applied": subsidies[0][code],
            "subsidies_accepted": subsidies[1][code],
            "subsidies_paid": subsidies[2][code],
            "subsidy_accepted_fen": subsidies[3][code],
            "subsidy_paid_fen": subsidies[4][code],
            **linkage[code],
        }
    return result


def linkage_figures_by_area(
    tree: CountyTree, year: int, as_of: dt.date, counted: dict[str, set[int]]
) -> dict[str, dict[str, int]]:
    """linkage_figures of every area of the county; `counted` is each area's counted households."""
    prefix = areacode.prefix_of(tree.county_code)
    entity_rows = list(
        _entities(prefix, as_of)
        .values_list("area_code")
        .annotate(n=Count("pk"), new=Count("pk", filter=_new_q(year)))
        .values_list("area_code", "n", "new")
        .order_by()
    )
    entities = counts_by_area(tree, ((code, n) for code, n, _ in entity_rows))
    new_entities = counts_by_area(tree, ((code, n) for code, _, n in entity_rows))
    links = _links(prefix, as_of)
    link_rows = list(links.values_list("area_code", "entity_id", "household_id").distinct().order_by())
    entities_linked = sets_by_area(tree, ((code, entity) for code, entity, _ in link_rows))
    linked = sets_by_area(tree, ((code, household) for code, _, household in link_rows))
    income = counts_by_area(
        tree,
        (
            (code, _fen(fen))
            for code, fen in _link_incomes(prefix, year)
            .values_list("link__area_code")
            .annotate(fen=Sum("income_fen"))
            .values_list("link__area_code", "fen")
            .order_by()
        ),
    )
    return {
        code: {
            "business_entities": entities[code],
            "new_business_entities": new_entities[code],
            "entities_with_links": len(entities_linked[code]),
            "linked_households": len(linked[code] & counted[code]),
            "link_income_fen": income[code],
        }
        for code in tree.codes
    }


def finance_section_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """finance_section of every area of the county (`year` is the year of `month`)."""
    prefix = areacode.prefix_of(tree.county_code)
    loans = _microloans(prefix, as_of)
    issued_rows = list(
        loans.filter(_issued_q(year))
        .values_list("area_code")
        .annotate(n=Count("pk"), fen=Sum("amount_fen"))
        .values_list("area_code", "n", "fen")
        .order_by()
    )
    issued = counts_by_area(tree, ((code, n) for code, n, _ in issued_rows))
    issued_fen = counts_by_area(tree, ((code, _fen(fen)) for code, _, fen in issued_rows))
    # Loans still owed, one row each: their outstanding sums are summed here, not in SQL, since they
    # are themselves sums over repayments.
    owing = list(
        _owing(loans, as_of).values_list(  # type: ignore[misc]  # repaid_fen is an annotation
            "area_code", "household_id", "amount_fen", "repaid_fen", "due_date"
        )
    )
    outstanding = counts_by_area(tree, ((row[0], 1) for row in owing))
    households = sets_by_area(tree, ((row[0], row[1]) for row in owing))
    outstanding_fen = counts_by_area(tree, ((row[0], row[2] - row[3]) for row in owing))
    overdue = [row for row in owing if row[4] < as_of]
    overdue_loans = counts_by_area(tree, ((row[0], 1) for row in overdue))
    overdue_fen = counts_by_area(tree, ((row[0], row[2] - row[3]) for row in overdue))
    interest = counts_by_area(
        tree,
        (
            (code, _fen(fen))
            for code, fen in _subsidised_repayments(prefix, year, as_of)
            .values_list("loan__area_code")
            .annotate(fen=Sum("interest_fen"))
            .values_list("loan__area_code", "fen")
            .order_by()
        ),
    )
    funds = _fund_figures_by_area(tree, year)
    insurance = _insurance_figures_by_area(tree, year, as_of)
    mutual_aid = _mutual_aid_figures_by_area(tree, year, as_of)
    return {
        code: {
            **funds[code],
            **insurance[code],
            **mutual_aid[code],
            "loans_issued": issued[code],
            "loan_amount_issued_fen": issued_fen[code],
            "loans_outstanding": outstanding[code],
            "households_with_loans": len(households[code]),
            "outstanding_fen": outstanding_fen[code],
            "overdue_loans": overdue_loans[code],
            "overdue_fen": overdue_fen[code],
            "interest_subsidy_fen": interest[code],
        }
        for code in tree.codes
    }


def _fund_figures_by_area(tree: CountyTree, year: int) -> dict[str, dict[str, int]]:
    prefix = areacode.prefix_of(tree.county_code)
    sources = counts_by_area(
        tree,
        (
            (code, _fen(fen))
            for code, fen in _fund_sources(prefix, year)
            .values_list("county__code")
            .annotate(fen=Sum("amount_fen"))
            .values_list("county__code", "fen")
            .order_by()
        ),
    )
    rows = list(
        _fund_allocations(prefix, year)
        .values_list("project__area_code", "project_id")
        .annotate(fen=Sum("amount_fen"), spent=Sum("spent_fen"))
        .values_list("project__area_code", "project_id", "fen", "spent")
        .order_by()
    )
    projects = sets_by_area(tree, ((code, project) for code, project, _, _ in rows))
    allocated = counts_by_area(tree, ((code, _fen(fen)) for code, _, fen, _ in rows))
    spent = counts_by_area(tree, ((code, _fen(fen)) for code, _, _, fen in rows))
    return {
        code: {
            "integrated_fund_fen": sources[code],
            "integrated_projects": len(projects[code]),
            "integrated_allocated_fen": allocated[code],
            "integrated_spent_fen": spent[code],
        }
        for code in tree.codes
    }


def _insurance_figures_by_area(tree: CountyTree, year: int, as_of: dt.date) -> dict[str, dict[str, int]]:
    prefix = areacode.prefix_of(tree.county_code)
    policies = _policies(prefix)
    in_force = list(
        policies.filter(_in_force_q(as_of))
        .values_list("area_code", "household_id")
        .annotate(n=Count("pk"))
        .values_list("area_code", "household_id", "n")
        .order_by()
    )
    policy_count = counts_by_area(tree, ((code, n) for code, _, n in in_force))
    insured = sets_by_area(tree, ((code, household) for code, household, _ in in_force))
    subsidy = counts_by_area(
        tree,
        (
            (code, _fen(fen))
            for code, fen in policies.filter(_premium_subsidised_q(year, as_of))
            .values_list("area_code")
            .annotate(fen=Sum("premium_subsidy_fen"))
            .values_list("area_code", "fen")
            .order_by()
        ),
    )
    claim_rows = list(
        _claims(prefix, year, as_of)
        .values_list("policy__area_code")
        .annotate(n=Count("pk"), fen=Sum("paid_fen"))
        .values_list("policy__area_code", "n", "fen")
        .order_by()
    )
    claims = counts_by_area(tree, ((code, n) for code, n, _ in claim_rows))
    claims_fen = counts_by_area(tree, ((code, _fen(fen)) for code, _, fen in claim_rows))
    return {
        code: {
            "insurance_policies": policy_count[code],
            "insured_households": len(insured[code]),
            "premium_subsidy_fen": subsidy[code],
            "claims_paid": claims[code],
            "claims_paid_fen": claims_fen[code],
        }
        for code in tree.codes
    }


def _mutual_aid_figures_by_area(tree: CountyTree, year: int, as_of: dt.date) -> dict[str, dict[str, int]]:
    prefix = areacode.prefix_of(tree.county_code)
    association_rows = list(
        _associations(prefix, as_of)
        .values_list("area_code")
        .annotate(n=Count("pk"), fen=Sum("fund_fen"))
        .values_list("area_code", "n", "fen")
        .order_by()
    )
    made, out = _made_q(year), _mutual_aid_out_q(as_of)
    loan_rows = list(
        _mutual_aid_loans(prefix, as_of)
        .values_list("area_code")
        .annotate(
            made=Count("pk", filter=made),
            lent=Sum("amount_fen", filter=made),
            out=Count("pk", filter=out),
            out_fen=Sum("amount_fen", filter=out),
            overdue=Count("pk", filter=out & _mutual_aid_overdue_q(as_of)),
        )
        .values_list("area_code", "made", "lent", "out", "out_fen", "overdue")
        .order_by()
    )
    associations = counts_by_area(tree, ((code, n) for code, n, _ in association_rows))
    fund = counts_by_area(tree, ((code, _fen(fen)) for code, _, fen in association_rows))
    loans = [counts_by_area(tree, ((row[0], _fen(row[i])) for row in loan_rows)) for i in range(1, 6)]
    return {
        code: {
            "mutual_aid_associations": associations[code],
            "mutual_aid_fund_fen": fund[code],
            "mutual_aid_loans_made": loans[0][code],
            "mutual_aid_lent_fen": loans[1][code],
            "mutual_aid_loans_out": loans[2][code],
            "mutual_aid_out_fen": loans[3][code],
            "mutual_aid_overdue": loans[4][code],
        }
        for code in tree.codes
    }


def solar_section_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """solar_section of every area of the county."""
    prefix = areacode.prefix_of(tree.county_code)
    containing = containing_of(tree)
    # A station counts in the areas that hold its place or one of its owning villages.
    station_areas: dict[int, set[str]] = defaultdict(set)
    capacity_of: dict[int, Decimal] = {}
    for pk, code, capacity in (
        SolarStation.objects.filter(_stations_q(prefix))
        .distinct()
        .values_list("pk", "area__code", "capacity_kw")
    ):
        capacity_of[pk] = capacity
        station_areas[pk].update(containing(code))
    for station_id, code in SolarOwnership.objects.filter(village__code__startswith=prefix).values_list(
        "station_id", "village__code"
    ):
        station_areas[station_id].update(containing(code))
    stations = sets_by_area(tree, ((area, pk) for pk, areas in station_areas.items() for area in areas))
    income = counts_by_area(tree, _village_income_fen(year, month).items())
    plans = _frozen_plans(prefix, year, as_of)
    plan_rows = list(
        plans.values_list("area_code")
        .annotate(n=Count("pk"), fen=Sum("total_fen"))
        .values_list("area_code", "n", "fen")
        .order_by()
    )
    distributed = counts_by_area(tree, ((code, n) for code, n, _ in plan_rows))
    distributed_fen = counts_by_area(tree, ((code, _fen(fen)) for code, _, fen in plan_rows))
    by_use = maps_by_area(
        tree,
        (
            (code, use, _fen(fen))
            for code, use, fen in _allocations(plans)
            .values_list("distribution__area_code", "use")
            .annotate(fen=Sum("amount_fen"))
            .values_list("distribution__area_code", "use", "fen")
            .order_by("use", "distribution__area_code")
        ),
    )
    payout_rows = list(
        SolarPayout.objects.filter(distribution__in=plans)
        .values_list("distribution__area_code", "household_code")
        .annotate(fen=Sum("amount_fen"))
        .values_list("distribution__area_code", "household_code", "fen")
        .order_by()
    )
    paid = sets_by_area(tree, ((code, household) for code, household, _ in payout_rows))
    payout_fen = counts_by_area(tree, ((code, _fen(fen)) for code, _, fen in payout_rows))
    return {
        code: {
            "stations": len(stations[code]),
            "capacity_kw": str(
                sum((capacity_of[pk] for pk in stations[code]), Decimal(0)).quantize(Decimal("0.01"))
            ),
            "income_fen": income[code],
            "villages_distributed": distributed[code],
            "distributed_fen": distributed_fen[code],
            "by_use_fen": {choice_label(SolarUse, use): fen for use, fen in by_use[code].items()},
            "households_paid": len(paid[code]),
            "payout_fen": payout_fen[code],
        }
        for code in tree.codes
    }
