"""Query-count ceilings of the industry list pages: a page costs the same few queries however many
rows it shows (the demo county's full lists run in 9–13 queries)."""

from __future__ import annotations

from typing import Any

import pytest

from fupin.industry.models import SolarUse
from fupin.industry.services.solar import (
    solar_beneficiary_set,
    solar_distribution_create,
    solar_distribution_freeze,
)
from fupin.industry.tests.conftest import EVERYTHING, REFERENCE, SYSTEM, YEAR, Solar

pytestmark = pytest.mark.django_db
PAGES = [
    "/industry/?year=2019",
    "/industry/uncovered/?year=2019",
    "/industry/subsidies/?year=2019",
    "/industry/loans/",
    "/industry/entities/?year=2019",
    "/industry/funds/?year=2019",
    "/industry/insurance/?year=2019",
    "/industry/mutual-aid/",
    "/industry/solar/?year=2019",
    "/industry/solar/distributions/?year=2019",
    "/industry/solar/publicity/?year=2019",
]


@pytest.mark.parametrize("url", PAGES)
def test_list_pages_stay_within_their_query_ceiling(
    solar: Solar, url: str, django_assert_max_num_queries: Any
) -> None:
    for village, codes in (
        (solar.personas.county.village_a1, ("H001", "H002", "H003")),
        (solar.personas.county.village_a2, ("H004",)),
    ):
        plan = solar_distribution_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            village=village,
            year=YEAR,
            reference_date=REFERENCE,
            allocations={SolarUse.REWARDS: 3000},
        )
        for code in codes:
            plan.refresh_from_db()
            solar_beneficiary_set(
                actor=SYSTEM,
                scope=EVERYTHING,
                distribution=plan,
                expected_version=plan.version,
                use=SolarUse.REWARDS,
                household=solar.households[code],
                weight=1,
            )
        plan.refresh_from_db()
        solar_distribution_freeze(
            actor=SYSTEM,
            scope=EVERYTHING,
            distribution=plan,
            expected_version=plan.version,
            approved_on=REFERENCE,
        )
    client = solar.personas.client("office_staff")
    client.get(url)  # warm the per-process caches (county settings, templates)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
