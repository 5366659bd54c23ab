"""The `solar` section of the figures document (docs/figures.md), per area and grouped for every
area of a county (how income and distributions are counted: see the package docstring)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from fupin.areas.spread import containing_of, counts_by_area, maps_by_area, sets_by_area
from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.industry.figures.common import _fen
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
from fupin.registry.figures import CountyStatuses


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


# All areas of a county in one pass: the county's rows read once, grouped by area code in SQL or
# fetched and bucketed here, by the same filters as the per-area sections above.


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
