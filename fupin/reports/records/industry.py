"""Records behind the `industry`, `finance` and `solar` sections (fupin/industry/figures.py), for the
year of `month`. Households are those the registry section counts on as_of; money is fen, and each
money figure lists the rows whose amounts sum to it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.industry.models import (
    BenefitLink,
    BusinessEntity,
    DistributionStatus,
    FeaturedIndustry,
    FundAllocation,
    FundProject,
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
from fupin.registry.models import Household
from fupin.reports.records import common
from fupin.reports.records.base import Column, RecordSource, col, link_to, yuan
from fupin.reports.records.registry_duty import counted_households


def _prefix(area: Area) -> str:
    return areacode.prefix_of(area.code)


def _households(ids: Any) -> QuerySet[Household]:
    return common.households(Household.objects.filter(pk__in=ids))


# -- industry --------------------------------------------------------------------------------------


def _featured(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[FeaturedIndustry]:
    return FeaturedIndustry.objects.filter(county__code=f"{area.code[:6]}000000").order_by("order", "code")


def _industry_records(area: Area, year: int) -> QuerySet[HouseholdIndustry]:
    return HouseholdIndustry.objects.filter(area_code__startswith=_prefix(area), year=year)


def _with_industry(mlt_only: bool) -> Callable[[Area, int, int, dt.date], QuerySet[Household]]:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
        records = _industry_records(area, year)
        if mlt_only:
            records = records.filter(industry__medium_long_term=True)
        counted = counted_households(area.code, as_of).filter(pk__in=records.values("household_id"))
        return common.households(counted)

    return fetch


def _without_mlt(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
    mlt = _industry_records(area, year).filter(industry__medium_long_term=True).values("household_id")
    return common.households(counted_households(area.code, as_of).exclude(pk__in=mlt))


HOUSEHOLD_INDUSTRY_COLUMNS = (
    col("户编号", "household.code"),
    col("户主", "household.head_name"),
    col("产业", "industry.name"),
    col("年度", "year"),
    col("规模", "scale"),
    col("单位", "industry.get_scale_unit_display"),
)


def by_industry_source(name: str, key: str) -> RecordSource | None:
    """`industry.by_industry.<产业>.households` (households with a record of the industry, counted or
    not, as the map counts them) or `.scale` (the records whose scale sums to the figure)."""

    def records(area: Area, year: int) -> QuerySet[HouseholdIndustry]:
        return _industry_records(area, year).filter(industry__name=name)

    if key == "households":
        return common.household_source(
            lambda area, year, month, as_of: _households(records(area, year).values("household_id"))
        )
    if key == "scale":
        return RecordSource(
            lambda area, year, month, as_of: (
                records(area, year)
                .select_related("household", "industry")
                .order_by("area_code", "household__code", "pk")
            ),
            HOUSEHOLD_INDUSTRY_COLUMNS,
            link_to("registry:household-detail", "household.code"),
            amount=lambda row: row.scale,
            amount_header="规模",
        )
    return None


def _subsidies(stage: str) -> Callable[[Area, int, int, dt.date], QuerySet[HouseholdSubsidy]]:
    def fetch(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[HouseholdSubsidy]:
        rows = HouseholdSubsidy.objects.filter(area_code__startswith=_prefix(area), year=year)
        if stage == "applied":
            rows = rows.filter(applied_on__lte=as_of)
        else:
            rows = rows.filter(accepted_on__lte=as_of, amount_fen__isnull=False)
            if stage == "paid":
                rows = rows.filter(paid_on__lte=as_of)
        return rows.select_related("household", "industry").order_by("area_code", "code")

    return fetch


def _subsidy_source(stage: str, money: bool = False) -> RecordSource:
    return RecordSource(
        _subsidies(stage),
        (
            col("补助编号", "code"),
            col("户编号", "household.code"),
            col("户主", "household.head_name"),
            col("产业", "industry.name"),
            col("项目", "project"),
            col("申请日期", "applied_on"),
            col("验收日期", "accepted_on"),
            col("兑付日期", "paid_on"),
            Column("补助金额（元）", yuan("amount_fen")),
        ),
        link_to("industry:subsidy-detail", "pk"),
        amount=(lambda row: row.amount_fen or 0) if money else None,
        amount_header="补助金额",
    )


def _entities(area: Area, as_of: dt.date) -> QuerySet[BusinessEntity]:
    return BusinessEntity.objects.filter(area_code__startswith=_prefix(area), established_on__lte=as_of)


def _links(area: Area, as_of: dt.date) -> QuerySet[BenefitLink]:
    return BenefitLink.objects.filter(area_code__startswith=_prefix(area)).filter(active_on(as_of))


def _entity_source(narrow: Callable[[Area, int, dt.date], QuerySet[BusinessEntity]]) -> RecordSource:
    return RecordSource(
        lambda area, year, month, as_of: (
            narrow(area, year, as_of).select_related("area", "industry").order_by("area_code", "code")
        ),
        (
            col("主体编号", "code"),
            col("名称", "name"),
            col("类型", "get_kind_display"),
            col("所在区划", "area.name"),
            col("产业", "industry.name"),
            col("成立日期", "established_on"),
        ),
        link_to("industry:entity-detail", "pk"),
    )


def _linked_households(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[Household]:
    linked = _links(area, as_of).values("household_id")
    return common.households(counted_households(area.code, as_of).filter(pk__in=linked))


def _link_income(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[LinkIncome]:
    return (
        LinkIncome.objects.filter(link__area_code__startswith=_prefix(area), year=year)
        .select_related("link__entity", "link__household")
        .order_by("link__area_code", "link__household__code", "pk")
    )


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


# -- solar -----------------------------------------------------------------------------------------


def _stations(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[SolarStation]:
    prefix = _prefix(area)
    inside = SolarStation.objects.filter(
        Q(owners__village__code__startswith=prefix) | Q(area__code__startswith=prefix)
    ).values("pk")
    return SolarStation.objects.filter(pk__in=inside).select_related("area").order_by("code")


@dataclass(frozen=True)
class VillageIncome:
    """One village's share of one station's income of the year to `month`."""

    station_pk: int
    station: str
    village_code: str
    village: str
    share: Decimal
    fen: int


def village_incomes(area: Area, year: int, month: int, as_of: dt.date) -> list[VillageIncome]:
    """Each station's income split among its owning villages to the fen, as solar_section splits it,
    keeping the villages inside the area."""
    prefix = _prefix(area)
    totals = dict(
        SolarIncome.objects.filter(month__year=year, month__month__lte=month)
        .values_list("station_id")
        .annotate(total=Sum("income_fen"))
        .values_list("station_id", "total")
    )
    owners: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    names: dict[str, str] = {}
    stations: dict[int, str] = {}
    for station_id, station, code, village, share in SolarOwnership.objects.filter(
        station_id__in=list(totals)
    ).values_list("station_id", "station__name", "village__code", "village__name", "share"):
        owners[station_id].append((code, share))
        names[code] = village
        stations[station_id] = station
    rows = []
    for station_id, total in totals.items():
        shares = owners.get(station_id)
        if not shares:
            continue
        parts = split_fen(int(total or 0), shares)
        share_of = dict(shares)
        rows += [
            VillageIncome(station_id, stations[station_id], code, names[code], share_of[code], fen)
            for code, fen in parts.items()
            if code.startswith(prefix)
        ]
    return sorted(rows, key=lambda row: (row.station, row.village_code))


def _plans(area: Area, year: int, as_of: dt.date) -> QuerySet[SolarDistribution]:
    return SolarDistribution.objects.filter(
        area_code__startswith=_prefix(area),
        year=year,
        status=DistributionStatus.FROZEN,
        approved_on__lte=as_of,
    )


def _plan_source(money: bool) -> RecordSource:
    return RecordSource(
        lambda area, year, month, as_of: (
            _plans(area, year, as_of).select_related("village").order_by("area_code")
        ),
        (
            col("村", "village.name"),
            col("年度", "year"),
            col("基准日期", "reference_date"),
            Column("分配总额（元）", yuan("total_fen")),
            col("乡镇审核日期", "approved_on"),
        ),
        link_to("industry:solar-distribution-detail", "pk"),
        amount=(lambda row: row.total_fen) if money else None,
        amount_header="分配总额",
    )


def use_source(label: str) -> RecordSource | None:
    values = [value for value, text in SolarUse.choices if str(text) == label]
    if not values:
        return None
    return RecordSource(
        lambda area, year, month, as_of: (
            SolarAllocation.objects.filter(
                distribution__in=_plans(area, year, as_of), amount_fen__gt=0, use=values[0]
            )
            .select_related("distribution__village")
            .order_by("distribution__area_code", "pk")
        ),
        (
            col("村", "distribution.village.name"),
            col("用途", "get_use_display"),
            Column("金额（元）", yuan("amount_fen")),
        ),
        link_to("industry:solar-distribution-detail", "distribution.pk"),
        amount=lambda row: row.amount_fen,
        amount_header="金额",
    )


PAYOUT_COLUMNS = (
    col("户编号", "household_code"),
    col("户主", "head_name"),
    col("户主身份证号", "head_id_masked"),
    col("村", "village_name"),
    col("用途", "get_use_display"),
    Column("金额（元）", yuan("amount_fen")),
)


def _payouts(area: Area, year: int, month: int, as_of: dt.date) -> QuerySet[SolarPayout]:
    return SolarPayout.objects.filter(distribution__in=_plans(area, year, as_of)).order_by(
        "village_code", "household_code", "use", "pk"
    )


def _households_paid(area: Area, year: int, month: int, as_of: dt.date) -> list[SolarPayout]:
    """One payout row per household code (the first by use), as households_paid counts codes."""
    seen: dict[str, SolarPayout] = {}
    for payout in _payouts(area, year, month, as_of):
        seen.setdefault(payout.household_code, payout)
    return list(seen.values())


SOURCES: dict[str, RecordSource] = {
    "industry.featured_industries": RecordSource(
        _featured,
        (
            col("产业编码", "code"),
            col("产业", "name"),
            col("规模单位", "get_scale_unit_display"),
            Column("中长期产业", lambda row: "是" if row.medium_long_term else "否"),
        ),
        link_to("industry:industry-detail", "pk"),
    ),
    "industry.households_in_industries": common.household_source(_with_industry(mlt_only=False)),
    "industry.households_with_mlt_industry": common.household_source(_with_industry(mlt_only=True)),
    "industry.households_without_mlt_industry": common.household_source(_without_mlt),
    "industry.subsidies_applied": _subsidy_source("applied"),
    "industry.subsidies_accepted": _subsidy_source("accepted"),
    "industry.subsidies_paid": _subsidy_source("paid"),
    "industry.subsidy_accepted_fen": _subsidy_source("accepted", money=True),
    "industry.subsidy_paid_fen": _subsidy_source("paid", money=True),
    "industry.business_entities": _entity_source(lambda area, year, as_of: _entities(area, as_of)),
    "industry.new_business_entities": _entity_source(
        lambda area, year, as_of: _entities(area, as_of).filter(established_on__year=year)
    ),
    "industry.entities_with_links": _entity_source(
        lambda area, year, as_of: BusinessEntity.objects.filter(
            pk__in=_links(area, as_of).values("entity_id")
        )
    ),
    "industry.linked_households": common.household_source(_linked_households),
    "industry.link_income_fen": RecordSource(
        _link_income,
        (
            col("主体", "link.entity.name"),
            col("户编号", "link.household.code"),
            col("户主", "link.household.head_name"),
            col("年度", "year"),
            Column("收益（元）", yuan("income_fen")),
        ),
        link_to("industry:entity-detail", "link.entity.pk"),
        amount=lambda row: row.income_fen,
        amount_header="收益",
    ),
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
    "solar.stations": RecordSource(
        _stations,
        (
            col("电站编号", "code"),
            col("名称", "name"),
            col("所在区划", "area.name"),
            col("装机容量（千瓦）", "capacity_kw"),
            col("并网日期", "connected_on"),
        ),
        link_to("industry:solar-station-detail", "pk"),
    ),
    "solar.capacity_kw": RecordSource(
        _stations,
        (col("电站编号", "code"), col("名称", "name"), col("装机容量（千瓦）", "capacity_kw")),
        link_to("industry:solar-station-detail", "pk"),
        amount=lambda row: row.capacity_kw,
        amount_header="装机容量（千瓦）",
    ),
    "solar.income_fen": RecordSource(
        village_incomes,
        (
            Column("电站", lambda row: row.station),
            Column("村", lambda row: row.village),
            Column("产权份额", lambda row: row.share),
            Column("收益（元）", lambda row: f"{Decimal(row.fen) / 100:.2f}"),
        ),
        lambda row: link_to("industry:solar-station-detail", "station_pk")(row),
        amount=lambda row: row.fen,
        amount_header="收益",
    ),
    "solar.villages_distributed": _plan_source(money=False),
    "solar.distributed_fen": _plan_source(money=True),
    "solar.households_paid": RecordSource(_households_paid, PAYOUT_COLUMNS[:4]),
    "solar.payout_fen": RecordSource(
        _payouts, PAYOUT_COLUMNS, amount=lambda row: row.amount_fen, amount_header="金额"
    ),
}
