"""The demo county's featured industries (特色产业), in the seed's proportions: its six industries
(black-bone chicken, herbs, edible fungi, bees, sericulture, community factories), and 10,710
registered poor households with a medium/long-term industry in 2019 (one or two each, with a scale
typical of a household), plus a few hundred working in community factories only.
"""

from __future__ import annotations

import random
from decimal import Decimal

from fupin.areas.models import Area
from fupin.core.bulk import fetch_by_key
from fupin.demo.county import COUNTY_CODE
from fupin.industry.models import FeaturedIndustry, ScaleUnit
from fupin.industry.services.industries import featured_industries_upsert, household_industries_upsert
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
