"""The indicator report of an area on hand-built values: year-to-date up the area tree, a month
with no value, a stock not summed across months, completion against the plan and growth."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin.areas.models import Area
from fupin.conftest import EVERYTHING, SYSTEM
from fupin.indicators.computing import Row
from fupin.indicators.models import PeriodAggregation, PeriodType, ReportLevel, ValueKind
from fupin.indicators.selectors.report import indicator_report
from fupin.indicators.services.definitions import data_set_create
from fupin.indicators.tests.conftest import Ind, make_indicator

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def filled(ind: Ind) -> Ind:
    a1, a2 = ind.county.village_a1, ind.county.village_a2
    for month, income, jobs in [(1, 10, 3), (2, 20, 4), (3, 30, 5)]:
        ind.enter(a1, 2019, month, {"CJ01": income, "CJ02": jobs, "CJ03": 40})
        ind.enter(a1, 2018, month, {"CJ01": income - 5, "CJ02": jobs, "CJ03": 40})
    # Village A2 reports January and March only: February is missing, not zero.
    ind.enter(a2, 2019, 1, {"CJ01": 1, "CJ02": 2, "CJ03": 9})
    ind.enter(a2, 2019, 3, {"CJ01": 3, "CJ02": 6, "CJ03": 9})
    ind.enter(a1, 2019, 0, {"CJ01": 100}, kind=ValueKind.PLAN)
    ind.enter(a2, 2019, 0, {"CJ01": 20}, kind=ValueKind.PLAN)
    return ind


def rows(ind: Ind, area: Area, month: int = 3) -> dict[str, Row]:
    report = indicator_report(area, 2019, month)
    return {row.code: row for row in report.rows}


def test_village_ytd_completion_and_growth(filled: Ind) -> None:
    row = rows(filled, filled.county.village_a1)["CJ01"]
    assert row.figure.value == D(60)
    assert row.plan == D(100)
    assert row.completion == D("0.6")
    assert row.growth == D(60) / D(45) - 1
    assert row.trend == [D(10), D(20), D(30)]


def test_stock_is_the_latest_month_not_the_sum(filled: Ind) -> None:
    row = rows(filled, filled.county.village_a1)["CJ02"]
    assert row.figure.value == D(5)  # March, not 3 + 4 + 5


def test_town_sums_its_villages_and_reports_the_missing_month(filled: Ind) -> None:
    town = rows(filled, filled.county.town_a)
    income = town["CJ01"]
    assert income.figure.value == D(64)
    assert income.figure.missing == (("610727100201", 2),)
    assert income.plan == D(120)  # the villages' plans, summed
    assert income.growth is None  # A2 has no 2018 and misses February
    assert income.trend == [D(11), D(20), D(33)]
    jobs = town["CJ02"]
    assert jobs.figure.value == D(11)  # 5 + 6: each village's latest


def test_a_stock_missing_this_month_uses_the_latest_and_lists_the_gap(filled: Ind) -> None:
    row = rows(filled, filled.county.village_a2, month=4)["CJ02"]
    assert row.figure.value == D(6)
    # February is older than the value used; only April, after it, is missing.
    assert row.figure.missing == (("610727100201", 4),)


def test_county_counts_villages_without_any_value_as_missing(filled: Ind) -> None:
    row = rows(filled, filled.county.county)["CJ01"]
    assert row.figure.value == D(64)
    assert row.figure.areas_expected == 3 and row.figure.areas_with_value == 2
    assert ("610727101200", 1) in row.figure.missing


def test_a_village_report_shows_only_village_data_sets(filled: Ind) -> None:
    assert set(rows(filled, filled.county.village_a1)) == {"CJ01", "CJ02", "CJ03"}
    assert set(rows(filled, filled.county.county)) == {"CJ01", "CJ02", "CJ03", "NY01"}


def test_a_quarterly_data_set_counts_the_quarters_ended_by_the_month(ind: Ind) -> None:
    area = make_indicator("LY01", "造林面积", "亩", PeriodAggregation.FLOW, order=20)
    quarterly = data_set_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="LY",
        name="林业季报",
        period_type=PeriodType.QUARTER,
        level=ReportLevel.COUNTY,
        indicators=[area],
    )
    county = ind.county.county
    ind.enter(county, 2019, 1, {"LY01": 300}, data_set=quarterly)
    ind.enter(county, 2019, 2, {"LY01": 500}, data_set=quarterly)
    assert rows(ind, county, month=5)["LY01"].figure.value == D(300)  # Q2 ends in June
    assert rows(ind, county, month=7)["LY01"].figure.value == D(800)
    assert rows(ind, county, month=10)["LY01"].figure.missing == ((county.code, 3),)
