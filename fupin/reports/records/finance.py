"""Records behind the `finance` section (fupin/industry/figures/finance.py), for the year of `month`.
Households are those the registry section counts on as_of; money is fen, and each money figure lists
the rows whose amounts sum to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import F, Q, QuerySet

from fupin.areas.models import Area
from fupin.industry.models import (
    FundAllocation,
    FundProject,
    FundSource,
    InsuranceClaim,
    InsurancePolicy,
    LoanRepayment,
    MicroLoan,
    MutualAidAssociation,
    MutualAidLoan,
)
from fupin.industry.selectors.finance import with_outstanding
from fupin.registry.models import Household
from fupin.reports.records import common
from fupin.reports.records.base import Column, RecordSource, col, link_to, yuan
from fupin.reports.records.industry import _households, _prefix

# -- finance ---------------------------------------------------------------------------------------


def _fund_sources(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[FundSource]:
    return (
        FundSource.objects.filter(county__code__startswith=_prefix(area), year=year)
        .select_related("county")
        .order_by("county__code", "code")
    )


def _allocations(area: Area, year: int) -> QuerySet[FundAllocation]:
    return FundAllocation.objects.filter(project__area_code__startswith=_prefix(area), project__year=year)


def _fund_projects(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[FundProject]:
    allocated = _allocations(area, year).values("project_id")
    return FundProject.objects.filter(pk__in=allocated).select_related("area").order_by("area_code", "code")


def _allocation_source(spent: bool) -> RecordSource:
    return RecordSource(
        lambda area, year, month, as_of: (
            _allocations(area, year)
            .select_related("project", "source")
            .order_by("project__area_code", "project__code", "source__code", "pk")
        ),
        (
            col("项目编号", "project.code"),
            col("项目", "project.name"),
            col("资金来源", "source.name"),
            Column("安排金额（元）", yuan("amount_fen")),
            Column("已支出（元）", yuan("spent_fen")),
        ),
        None,
        amount=(lambda row: row.spent_fen) if spent else (lambda row: row.amount_fen),
        amount_header="已支出" if spent else "安排金额",
    )


POLICY_COLUMNS = (
    col("保单编号", "code"),
    col("户编号", "household.code"),
    col("户主", "household.head_name"),
    col("保险公司", "insurer"),
    col("产业", "industry.name"),
    col("起保日期", "starts_on"),
    col("终止日期", "ends_on"),
    Column("保险金额（元）", yuan("sum_insured_fen")),
    Column("财政补贴保费（元）", yuan("premium_subsidy_fen")),
)


def _policies(area: Area) -> QuerySet[InsurancePolicy]:
    return InsurancePolicy.objects.filter(area_code__startswith=_prefix(area))


def _in_force(area: Area, as_of: dt.date) -> QuerySet[InsurancePolicy]:
    return _policies(area).filter(starts_on__lte=as_of, ends_on__gte=as_of)


def _policy_source(
    fetch: Callable[[Area, int, dt.date], QuerySet[InsurancePolicy]], money: bool
) -> RecordSource:
    return RecordSource(
        lambda area, year, month, as_of: (
            fetch(area, year, as_of).select_related("household", "industry").order_by("area_code", "code")
        ),
        POLICY_COLUMNS,
        link_to("industry:policy-edit", "pk"),
        amount=(lambda row: row.premium_subsidy_fen) if money else None,
        amount_header="财政补贴保费",
    )


def _claims(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[InsuranceClaim]:
    return (
        InsuranceClaim.objects.filter(
            policy__area_code__startswith=_prefix(area), paid_on__year=year, paid_on__lte=as_of
        )
        .select_related("policy__household")
        .order_by("paid_on", "pk")
    )


def _claim_source(money: bool) -> RecordSource:
    return RecordSource(
        _claims,
        (
            col("保单编号", "policy.code"),
            col("户编号", "policy.household.code"),
            col("户主", "policy.household.head_name"),
            col("出险日期", "occurred_on"),
            col("原因", "cause"),
            col("赔付日期", "paid_on"),
            Column("赔付金额（元）", yuan("paid_fen")),
        ),
        link_to("industry:policy-edit", "policy.pk"),
        amount=(lambda row: row.paid_fen or 0) if money else None,
        amount_header="赔付金额",
    )


def _associations(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[MutualAidAssociation]:
    return (
        MutualAidAssociation.objects.filter(area_code__startswith=_prefix(area), established_on__lte=as_of)
        .select_related("village")
        .order_by("area_code", "code")
    )


def _aid_loans(stage: str) -> Callable[[Area, int, int, dt.date], QuerySet[MutualAidLoan]]:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[MutualAidLoan]:
        rows = MutualAidLoan.objects.filter(area_code__startswith=_prefix(area), lent_on__lte=as_of)
        if stage == "made":
            rows = rows.filter(lent_on__year=year)
        else:
            rows = rows.filter(Q(repaid_on__isnull=True) | Q(repaid_on__gt=as_of))
            if stage == "overdue":
                rows = rows.filter(due_on__lt=as_of)
        return rows.select_related("association", "household").order_by("lent_on", "code")

    return fetch


def _aid_loan_source(stage: str, money: bool = False) -> RecordSource:
    return RecordSource(
        _aid_loans(stage),
        (
            col("借款编号", "code"),
            col("协会", "association.name"),
            col("户编号", "household.code"),
            col("户主", "household.head_name"),
            Column("金额（元）", yuan("amount_fen")),
            col("借出日期", "lent_on"),
            col("约定还款日期", "due_on"),
            col("还清日期", "repaid_on"),
        ),
        link_to("registry:household-detail", "household.code"),
        amount=(lambda row: row.amount_fen) if money else None,
        amount_header="金额",
    )


def _loans_issued(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[MicroLoan]:
    loans = MicroLoan.objects.filter(
        area_code__startswith=_prefix(area), start_date__lte=as_of, start_date__year=year
    )
    return with_outstanding(loans, as_of).select_related("household").order_by("start_date", "code")


def _owing(area: Area, as_of: dt.date) -> QuerySet[MicroLoan]:
    loans = MicroLoan.objects.filter(area_code__startswith=_prefix(area), start_date__lte=as_of)
    return with_outstanding(loans, as_of).filter(amount_fen__gt=F("repaid_fen"))


def _owing_rows(overdue: bool) -> Callable[[Area, int, int, dt.date], QuerySet[MicroLoan]]:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[MicroLoan]:
        rows = _owing(area, as_of)
        if overdue:
            rows = rows.filter(due_date__lt=as_of)
        return rows.select_related("household").order_by("start_date", "code")

    return fetch


def _loan_source(
    fetch: Callable[[Area, int, int, dt.date], QuerySet[MicroLoan]],
    amount: Callable[[Any], int] | None,
    header: str,
) -> RecordSource:
    return RecordSource(
        fetch,
        (
            col("贷款编号", "code"),
            col("户编号", "household.code"),
            col("户主", "household.head_name"),
            col("放款机构", "lender"),
            Column("贷款金额（元）", yuan("amount_fen")),
            col("放款日期", "start_date"),
            col("到期日期", "due_date"),
            Column("尚欠本金（元）", yuan("outstanding_fen")),
        ),
        link_to("industry:loan-detail", "pk"),
        amount=amount,
        amount_header=header,
    )


def _households_with_loans(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
    # The ids are read first: the owing loans are grouped by their repayments' sum.
    return _households(list(_owing(area, as_of).values_list("household_id", flat=True)))


def _insured_households(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
    return _households(_in_force(area, as_of).values("household_id"))


def _subsidised_interest(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[LoanRepayment]:
    return (
        LoanRepayment.objects.filter(
            loan__area_code__startswith=_prefix(area), paid_on__year=year, paid_on__lte=as_of
        )
        .filter(paid_on__lte=F("loan__due_date"))
        .select_related("loan__household")
        .order_by("paid_on", "loan__code", "pk")
    )


SOURCES: dict[str, RecordSource] = {
    "finance.integrated_fund_fen": RecordSource(
        _fund_sources,
        (
            col("来源编号", "code"),
            col("资金来源", "name"),
            col("县", "county.name"),
            Column("金额（元）", yuan("amount_fen")),
        ),
        None,
        amount=lambda row: row.amount_fen,
        amount_header="金额",
    ),
    "finance.integrated_projects": RecordSource(
        _fund_projects,
        (col("项目编号", "code"), col("项目", "name"), col("实施区划", "area.name"), col("年度", "year")),
    ),
    "finance.integrated_allocated_fen": _allocation_source(spent=False),
    "finance.integrated_spent_fen": _allocation_source(spent=True),
    "finance.insurance_policies": _policy_source(
        lambda area, year, as_of: _in_force(area, as_of), money=False
    ),
    "finance.insured_households": common.household_source(_insured_households),
    "finance.premium_subsidy_fen": _policy_source(
        lambda area, year, as_of: _policies(area).filter(starts_on__year=year, starts_on__lte=as_of),
        money=True,
    ),
    "finance.claims_paid": _claim_source(money=False),
    "finance.claims_paid_fen": _claim_source(money=True),
    "finance.mutual_aid_associations": RecordSource(
        _associations,
        (
            col("协会编号", "code"),
            col("名称", "name"),
            col("村", "village.name"),
            Column("资金总额（元）", yuan("fund_fen")),
            col("成立日期", "established_on"),
        ),
    ),
    "finance.mutual_aid_fund_fen": RecordSource(
        _associations,
        (
            col("协会编号", "code"),
            col("名称", "name"),
            col("村", "village.name"),
            Column("资金总额（元）", yuan("fund_fen")),
            col("成立日期", "established_on"),
        ),
        amount=lambda row: row.fund_fen,
        amount_header="资金总额",
    ),
    "finance.mutual_aid_loans_made": _aid_loan_source("made"),
    "finance.mutual_aid_lent_fen": _aid_loan_source("made", money=True),
    "finance.mutual_aid_loans_out": _aid_loan_source("out"),
    "finance.mutual_aid_out_fen": _aid_loan_source("out", money=True),
    "finance.mutual_aid_overdue": _aid_loan_source("overdue"),
    "finance.loans_issued": _loan_source(_loans_issued, None, ""),
    "finance.loan_amount_issued_fen": _loan_source(_loans_issued, lambda row: row.amount_fen, "贷款金额"),
    "finance.loans_outstanding": _loan_source(_owing_rows(overdue=False), None, ""),
    "finance.households_with_loans": common.household_source(_households_with_loans),
    "finance.outstanding_fen": _loan_source(
        _owing_rows(overdue=False), lambda row: row.outstanding_fen, "尚欠本金"
    ),
    "finance.overdue_loans": _loan_source(_owing_rows(overdue=True), None, ""),
    "finance.overdue_fen": _loan_source(
        _owing_rows(overdue=True), lambda row: row.outstanding_fen, "尚欠本金"
    ),
    "finance.interest_subsidy_fen": RecordSource(
        _subsidised_interest,
        (
            col("贷款编号", "loan.code"),
            col("户编号", "loan.household.code"),
            col("户主", "loan.household.head_name"),
            col("支付日期", "paid_on"),
            col("到期日期", "loan.due_date"),
            Column("利息（元）", yuan("interest_fen")),
        ),
        link_to("industry:loan-detail", "loan.pk"),
        amount=lambda row: row.interest_fen,
        amount_header="利息",
    ),
}
