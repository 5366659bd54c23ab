"""The `solar` figures section on hand-built data: income year-to-date by the villages' shares,
frozen plans counted from their approval date, households once however many uses pay them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.areas.models import Area
from fupin.industry.models import SolarUse
from fupin.industry.services.solar import (
    solar_beneficiary_set,
    solar_distribution_create,
    solar_distribution_freeze,
)
from fupin.industry.tests.conftest import EVERYTHING, REFERENCE, SYSTEM, YEAR, Solar
from fupin.reports.figures import figures_document

pytestmark = pytest.mark.django_db


def _frozen_plan(solar: Solar) -> None:
    plan = solar_distribution_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        village=solar.personas.county.village_a1,
        year=YEAR,
        reference_date=REFERENCE,
        allocations={SolarUse.JOBS: 200000, SolarUse.PUBLIC_WORKS: 300000, SolarUse.REWARDS: 100001},
    )
    for use, code in ((SolarUse.JOBS, "H001"), (SolarUse.REWARDS, "H001"), (SolarUse.REWARDS, "H002")):
        plan.refresh_from_db()
        solar_beneficiary_set(
            actor=SYSTEM,
            scope=EVERYTHING,
            distribution=plan,
            expected_version=plan.version,
            use=use,
            household=solar.households[code],
            weight=Decimal(1),
        )
    plan.refresh_from_db()
    solar_distribution_freeze(
        actor=SYSTEM,
        scope=EVERYTHING,
        distribution=plan,
        expected_version=plan.version,
        approved_on=dt.date(2019, 12, 20),
    )


def test_county_town_and_village_solar_figures(solar: Solar) -> None:
    _frozen_plan(solar)
    county = figures_document(Area.objects.get(code="610727000000"), "2019-12")["solar"]
    assert county == {
        "stations": 1,
        "capacity_kw": "300.00",
        "income_fen": 1000000,
        "villages_distributed": 1,
        "distributed_fen": 600001,
        "by_use_fen": {"公益岗位工资": 200000, "小型公益事业": 300000, "奖励补助": 100001},
        "households_paid": 2,
        "payout_fen": 300001,
    }
    # Before the approval date the plan does not count; income up to March is January's only.
    march = figures_document(Area.objects.get(code="610727000000"), "2019-03")["solar"]
    assert (march["income_fen"], march["villages_distributed"], march["households_paid"]) == (400000, 0, 0)
    a2 = figures_document(solar.personas.county.village_a2, "2019-12")["solar"]
    assert (a2["stations"], a2["income_fen"], a2["distributed_fen"]) == (1, 333333, 0)
    b = figures_document(solar.personas.county.town_b, "2019-12")["solar"]
    assert (b["stations"], b["income_fen"], b["capacity_kw"]) == (0, 0, "0.00")
