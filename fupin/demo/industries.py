"""The demo county's featured industries (特色产业), in the seed's proportions: its six industries
(black-bone chicken, herbs, edible fungi, bees, sericulture, community factories), and 10,710
registered poor households with a medium/long-term industry in 2019 (one or two each, with a scale
typical of a household), plus a few hundred working in community factories only; and 4,200 of
those industries supported by a 2019 以奖代补 subsidy under the county's tiered standards.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from fupin.areas.models import Area
from fupin.core.bulk import fetch_by_key
from fupin.demo.county import COUNTY_CODE
from fupin.industry.models import FeaturedIndustry, HouseholdIndustry, ScaleUnit
from fupin.industry.services.industries import featured_industries_upsert, household_industries_upsert
from fupin.industry.services.subsidies import status_of, subsidies_upsert, subsidy_standards_upsert
from fupin.ledgers.base import ImportContext
from fupin.registry.models import Household, PovertyStatus

YEAR = 2019
WITH_MLT = 10_710
FACTORY_ONLY = 320
# code, name, unit, medium/long-term, a household's scale range, weight among households.
INDUSTRIES = (
    ("CY01", "乌鸡", ScaleUnit.HEAD, True, (20, 300), 30),
    ("CY02", "中药材", ScaleUnit.MU, True, (1, 10), 26),
    ("CY03", "食用菌", ScaleUnit.TUBE, True, (500, 5000), 16),
    ("CY04", "中蜂", ScaleUnit.HIVE, True, (2, 30), 14),
    ("CY05", "蚕桑", ScaleUnit.MU, True, (1, 8), 14),
    ("CY06", "社区工厂", ScaleUnit.JOB, False, (1, 2), 0),
)
REGISTERED = (PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED)


def demo_industries(seed: int, context: ImportContext) -> int:
    """Build the list and the households' 2019 industries; the number of household records."""
    rng = random.Random(seed * 11 + 5)
    county = Area.objects.get(code=COUNTY_CODE)
    featured_industries_upsert(
        actor=context.actor,
        rows=[
            {
                "code": code,
                "name": name,
                "county": county,
                "scale_unit": unit,
                "medium_long_term": mlt,
                "order": i,
            }
            for i, (code, name, unit, mlt, _, _) in enumerate(INDUSTRIES, start=1)
        ],
    )
    industries = fetch_by_key(FeaturedIndustry, "code", [row[0] for row in INDUSTRIES])
    households = list(
        Household.objects.filter(poverty_status__in=REGISTERED)
        .only("pk", "code", "area_code")
        .order_by("code")
    )
    chosen = rng.sample(households, min(WITH_MLT + FACTORY_ONLY, len(households)))
    long_term = [row for row in INDUSTRIES if row[3]]
    weights = [row[5] for row in long_term]
    rows = []
    for index, household in enumerate(chosen):
        picks = (
            {rng.choices(long_term, weights)[0][0] for _ in range(1 if rng.random() < 0.7 else 2)}
            if index < WITH_MLT
            else set()
        )
        if index >= WITH_MLT or rng.random() < 0.03:
            picks.add("CY06")
        for code in sorted(picks):
            low, high = next(row[4] for row in INDUSTRIES if row[0] == code)
            rows.append(
                {
                    "household": household,
                    "industry": industries[code],
                    "year": YEAR,
                    "scale": Decimal(rng.randint(low, high)),
                }
            )
    household_industries_upsert(actor=context.actor, rows=rows)
    return len(rows)


# Three tiers per medium/long-term industry: (starting scale, yuan).
TIERS = {
    "CY01": ((50, 500), (100, 1000), (200, 2000)),
    "CY02": ((1, 600), (3, 1500), (5, 2500)),
    "CY03": ((1000, 800), (2000, 1600), (3000, 2400)),
    "CY04": ((5, 600), (10, 1200), (20, 2000)),
    "CY05": ((1, 800), (3, 1600), (5, 2400)),
}
SUBSIDIES = 4_200


def _tier_amount(code: str, scale: Decimal) -> int | None:
    reached = [yuan for start, yuan in TIERS[code] if scale >= start]
    return reached[-1] * 100 if reached else None


def demo_subsidies(seed: int, context: ImportContext) -> int:
    """2019's tiered standards and 以奖代补 subsidies of households with an industry: most paid,
    some in publicity or just accepted, a few failed acceptance or still building."""
    rng = random.Random(seed * 13 + 1)
    industries = fetch_by_key(FeaturedIndustry, "code", list(TIERS))
    subsidy_standards_upsert(
        actor=context.actor,
        rows=[
            {
                "industry": industries[code],
                "year": YEAR,
                "min_scale": Decimal(start),
                "amount_fen": yuan * 100,
            }
            for code, tiers in TIERS.items()
            for start, yuan in tiers
        ],
    )
    records = list(
        HouseholdIndustry.objects.filter(year=YEAR, industry__code__in=list(TIERS))
        .select_related("household", "industry")
        .order_by("household__code", "industry__code")
    )
    rows = []
    for number, record in enumerate(
        sorted(rng.sample(records, min(SUBSIDIES, len(records))), key=lambda r: r.pk)
    ):
        code = record.industry.code
        applied = dt.date(YEAR, 3, 1) + dt.timedelta(days=rng.randrange(60))
        accepted = applied + dt.timedelta(days=rng.randrange(120, 180))
        stage = rng.random()
        passed = stage >= 0.05
        scale = record.scale if passed else None
        amount = _tier_amount(code, record.scale) if passed else None
        if passed and amount is None:
            passed, scale = False, None
        reached = stage >= 0.08 and passed
        publicised = accepted + dt.timedelta(days=5) if reached and stage >= 0.13 else None
        paid = publicised + dt.timedelta(days=rng.randrange(7, 20)) if publicised and stage >= 0.2 else None
        building = stage < 0.03
        rows.append(
            {
                "code": f"BZ{YEAR}{number + 1:05d}",
                "household": record.household,
                "industry": record.industry,
                "year": YEAR,
                "project": PROJECTS[code],
                "planned_scale": record.scale,
                "applied_on": applied,
                "status": status_of(
                    {
                        "accepted_on": None if building else accepted,
                        "passed": passed,
                        "publicised_on": publicised,
                        "paid_on": paid,
                    }
                ),
                "accepted_on": None if building else accepted,
                "accepted_scale": None if building else scale,
                "amount_fen": None if building else amount,
                "publicised_on": None if building else publicised,
                "paid_on": None if building else paid,
            }
        )
    subsidies_upsert(actor=context.actor, rows=rows)
    return len(rows)


PROJECTS = {
    "CY01": "新建鸡舍，发展乌鸡养殖",
    "CY02": "种植中药材",
    "CY03": "发展袋料食用菌",
    "CY04": "购置蜂箱，发展中蜂养殖",
    "CY05": "栽植桑园，发展蚕桑",
}
