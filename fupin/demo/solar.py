"""The demo county's village solar stations (光伏扶贫电站), in the seed's proportions: four stations of
5 MW (20 MW), jointly owned in equal shares by 95 poor villages, whose 2019 income of 1.37 million
yuan is distributed in full by the 95 villages' plans to 8,216 households.

Each village's plan gives about a fifth to small public works (小型公益事业), and the rest to
public-welfare job wages (公益岗位工资, a share by months worked) and reward subsidies (奖励补助, for
light tasks of households with weak labour); every named household is paid once. The plans are
frozen (定稿) with a township approval date of 2019-12-20 and a reference date of 2019-11-30.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from fupin.areas.models import Area, AreaLevel
from fupin.core.bulk import fetch_by_key
from fupin.industry.models import SolarDistribution, SolarStation, SolarUse
from fupin.industry.money import split_fen
from fupin.industry.services.solar import (
    solar_beneficiaries_add_bulk,
    solar_distribution_create,
    solar_distribution_freeze,
    solar_incomes_upsert,
    solar_ownerships_upsert,
    solar_stations_upsert,
    village_incomes,
)
from fupin.ledgers.base import ImportContext
from fupin.registry.models import Household, PovertyStatus

YEAR = 2019
STATIONS = 4
STATION_KW = Decimal(5000)
VILLAGES = 95
HOUSEHOLDS = 8216
INCOME_FEN = 137_000_000
REFERENCE_DATE = dt.date(2019, 11, 30)
APPROVED_ON = dt.date(2019, 12, 20)
# Monthly generation follows the sun: more in summer than in winter.
MONTH_WEIGHTS = (5, 6, 8, 9, 10, 11, 11, 11, 9, 8, 6, 6)
YUAN_PER_KWH = Decimal("0.75")
ELIGIBLE = (PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED)
JOB_POSTS = ("保洁员", "护林员", "河道巡查员", "道路养护员", "村级公益岗")


def _stations(context: ImportContext, villages: list[Area]) -> None:
    towns = sorted({v.code[:9] + "000" for v in villages})
    town_areas = fetch_by_key(Area, "code", towns)
    groups = [villages[i::STATIONS] for i in range(STATIONS)]
    rows = [
        {
            "code": f"GF{i + 1:03d}",
            "name": f"{town_areas[group[0].code[:9] + '000'].name}光伏扶贫电站",
            "area": town_areas[group[0].code[:9] + "000"],
            "capacity_kw": STATION_KW,
            "connected_on": dt.date(2017, 6, 30),
        }
        for i, group in enumerate(groups)
    ]
    solar_stations_upsert(actor=context.actor, rows=rows)
    stations = fetch_by_key(SolarStation, "code", [r["code"] for r in rows])
    owners, incomes = [], []
    station_totals = split_fen(INCOME_FEN, [(code, 1) for code in sorted(stations)])
    for i, group in enumerate(groups):
        station = stations[f"GF{i + 1:03d}"]
        owners += [{"station": station, "village": v, "share": Decimal(1)} for v in group]
        months = split_fen(station_totals[station.code], list(enumerate(MONTH_WEIGHTS, start=1)))
        incomes += [
            {
                "station": station,
                "month": dt.date(YEAR, month, 1),
                "generation_kwh": (Decimal(fen) / 100 / YUAN_PER_KWH).quantize(Decimal("0.1")),
                "income_fen": fen,
            }
            for month, fen in months.items()
        ]
    solar_ownerships_upsert(actor=context.actor, rows=owners)
    solar_incomes_upsert(actor=context.actor, rows=incomes)


def _named(rng: random.Random, villages: list[Area]) -> dict[int, list[Household]]:
    """The households each village names: 8,216 in all, in proportion to its eligible households."""
    eligible: dict[int, list[Household]] = defaultdict(list)
    for household in (
        Household.objects.filter(village__in=villages, poverty_status__in=ELIGIBLE)
        .only("pk", "code", "village_id", "area_code", "poverty_status")
        .order_by("code")
    ):
        eligible[household.village_id].append(household)
    wanted = split_fen(
        HOUSEHOLDS, [(v.pk, len(eligible[v.pk]) or 1) for v in villages], order=[v.code for v in villages]
    )
    return {
        v.pk: sorted(rng.sample(eligible[v.pk], min(wanted[v.pk], len(eligible[v.pk]))), key=lambda h: h.code)
        for v in villages
    }


def demo_solar(seed: int, context: ImportContext) -> int:
    """Build the stations, their 2019 income and the 95 frozen plans; the number of payouts."""
    rng = random.Random(seed * 7 + 3)
    poor = list(Area.objects.filter(level=AreaLevel.VILLAGE, is_poor_village=True).order_by("code"))
    villages = sorted(rng.sample(poor, min(VILLAGES, len(poor))), key=lambda v: v.code)
    _stations(context, villages)
    incomes = village_incomes(YEAR, [v.pk for v in villages])
    named = _named(rng, villages)
    for village in villages:
        income = incomes[village.pk]
        works = income // 5
        households = named[village.pk]
        jobs_count = max(1, len(households) // 6)
        jobs = (income - works) * 2 // 5 if households else 0
        plan = solar_distribution_create(
            actor=context.actor,
            scope=context.scope,
            village=village,
            year=YEAR,
            reference_date=REFERENCE_DATE,
            allocations={
                SolarUse.JOBS: jobs,
                SolarUse.PUBLIC_WORKS: works,
                SolarUse.REWARDS: income - works - jobs,
            },
            notes="经村民代表大会“四议两公开”通过，镇政府审核，县扶贫办备案",
        )
        rows = [
            (SolarUse.JOBS, h, Decimal(rng.randint(6, 12)), rng.choice(JOB_POSTS))
            for h in households[:jobs_count]
        ] + [(SolarUse.REWARDS, h, Decimal(rng.choice((1, 1, 2))), "") for h in households[jobs_count:]]
        solar_beneficiaries_add_bulk(actor=context.actor, scope=context.scope, distribution=plan, rows=rows)
        solar_distribution_freeze(
            actor=context.actor,
            scope=context.scope,
            distribution=plan,
            expected_version=None,
            approved_on=APPROVED_ON,
        )
    return SolarDistribution.objects.filter(year=YEAR).count()
