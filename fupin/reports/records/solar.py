"""Records behind the `solar` section (fupin/industry/figures/solar.py), for the year of `month`.
Households are those the registry section counts on as_of; money is fen, and each money figure lists
the rows whose amounts sum to it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from fupin.areas.models import Area
from fupin.industry.models import (
    DistributionStatus,
    SolarAllocation,
    SolarDistribution,
    SolarIncome,
    SolarOwnership,
    SolarPayout,
    SolarStation,
    SolarUse,
)
from fupin.industry.money import split_fen
from fupin.reports.records.base import Column, RecordSource, col, link_to, yuan
from fupin.reports.records.industry import _prefix

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
