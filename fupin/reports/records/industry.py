"""Records behind the `industry` section (fupin/industry/figures/industry.py), for the year of `month`.
Households are those the registry section counts on as_of; money is fen, and each money figure lists
the rows whose amounts sum to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.industry.models import (
    BenefitLink,
    BusinessEntity,
    FeaturedIndustry,
    HouseholdIndustry,
    HouseholdSubsidy,
    LinkIncome,
)
from fupin.industry.selectors.entities import active_on
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
}
