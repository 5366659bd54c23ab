"""The `finance` section of the figures document (docs/figures.md): integrated funds, insurance,
mutual aid and microcredit, per area and grouped for every area of a county."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from fupin.areas.spread import counts_by_area, sets_by_area
from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.industry.figures.common import (
    _associations,
    _claims,
    _fen,
    _fund_allocations,
    _fund_sources,
    _in_force_q,
    _issued_q,
    _made_q,
    _microloans,
    _mutual_aid_loans,
    _mutual_aid_overdue_q,
    _overdue_q,
    _owing,
    _policies,
    _premium_subsidised_q,
)
from fupin.industry.models import LoanRepayment
from fupin.registry.figures import CountyStatuses


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


# All areas of a county in one pass: the county's rows read once, grouped by area code in SQL or
# fetched and bucketed here, by the same filters as the per-area sections above.


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
