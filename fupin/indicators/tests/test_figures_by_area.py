"""indicators_ and projects_section_by_area: every area of the county from one read, equal to the
per-area section of each area, on the data of test_figures spread over two towns and three villages,
with a county data set (one indicator in it also in the village set), town values, a retired
indicator with values in one village only, and projects of a town, a village and the county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.areas.tests.grouped import COUNTY, assert_same_as_raw, queries_by_villages, tree
from fupin.conftest import EVERYTHING, SYSTEM
from fupin.indicators.figures import (
    indicators_section,
    indicators_section_by_area,
    projects_section,
    projects_section_by_area,
)
from fupin.indicators.models import (
    DataSet,
    Indicator,
    Industry,
    PeriodAggregation,
    PeriodType,
    ReportLevel,
    ValueKind,
)
from fupin.indicators.services.definitions import data_set_create
from fupin.indicators.services.projects import project_create, project_plan_set, project_progress_save
from fupin.indicators.tests.conftest import Ind, make_indicator
from fupin.indicators.tests.test_figures import built
from fupin.registry.figures import county_statuses

pytestmark = pytest.mark.django_db
D = dt.date
TOWN_A, TOWN_B, VILLAGE_B1 = "610727100000", "610727101000", "610727101200"
__all__ = ["built"]  # the fixture, used by name below


def _project(ind: Ind, code: str, area: Area, start: dt.date, plan: int | None, done: dict[int, int]) -> None:
    project = project_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code=code,
        name=f"项目{code}",
        industry=Industry.AGRICULTURE if code != "P3" else Industry.INDUSTRY,
        owner_unit=ind.county.agriculture,
        area=area,
        start_date=start,
        end_date=None,
        total_investment=Decimal(5000),
    )
    if plan is not None:
        project_plan_set(
            actor=SYSTEM, scope=EVERYTHING, project=project, year=2019, planned_investment=Decimal(plan)
        )
    for month, amount in done.items():
        project_progress_save(
            actor=SYSTEM,
            scope=EVERYTHING,
            project=project,
            year=2019,
            month=month,
            completed_investment=Decimal(amount),
            progress="",
            expected_version=None,
        )


@pytest.fixture
def spread(built: Ind) -> Ind:
    ind, c = built, built.county
    for month in (1, 2, 3):
        ind.enter(c.village_b1, 2019, month, {"CJ01": "3.33", "CJ02": 2 * month, "CJ03": 7})
        ind.enter(c.village_b1, 2018, month, {"CJ01": 2, "CJ02": 1, "CJ03": 7})
        ind.enter(c.town_a, 2019, month, {"NY01": 100 + month})
        ind.enter(c.town_a, 2018, month, {"NY01": 90})
    ind.enter(c.town_b, 2019, 1, {"NY01": 50})
    ind.enter(c.town_b, 2019, 0, {"NY01": 600}, kind=ValueKind.PLAN)
    # A county data set: its own indicator, and the village income again (a county reports it
    # with the county set, a town with the village set, whose code comes later).
    gdp = make_indicator("XJ01", "地区生产总值", "亿元", PeriodAggregation.FLOW, order=20)
    county_set = data_set_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="AX",
        name="县级经济月报",
        period_type=PeriodType.MONTH,
        level=ReportLevel.COUNTY,
        indicators=[gdp, ind.income],
    )
    for month in (1, 2, 3):
        ind.enter(c.county, 2019, month, {"XJ01": "12.5", "CJ01": 40}, data_set=county_set)
    # Retired after values were entered in village A1 only: shown there and above, nowhere else.
    retired = make_indicator("CJ09", "旧指标", "个", PeriodAggregation.FLOW, order=9)
    ind.village_set.indicators.add(retired)
    ind.enter(c.village_a1, 2019, 1, {"CJ09": 5})
    Indicator.objects.filter(pk=retired.pk).update(active=False)
    _project(ind, "P2", c.village_b1, D(2019, 1, 1), 300, {1: 20, 3: 40})
    _project(ind, "P3", c.county, D(2018, 6, 1), None, {2: 70})
    _project(ind, "P4", c.village_a2, D(2019, 1, 1), 100, {})
    _project(ind, "P5", c.village_a2, D(2020, 1, 1), 100, {})  # not started
    assert DataSet.objects.count() == 3
    return ind


MONTHS = [
    (2019, 3, D(2019, 3, 31)),
    (2019, 3, D(2019, 3, 10)),
    (2019, 2, D(2019, 2, 28)),
    (2019, 12, D(2019, 12, 31)),
]


@pytest.mark.parametrize(("year", "month", "as_of"), MONTHS)
def test_every_area_is_its_own_indicators_section(spread: Ind, year: int, month: int, as_of: dt.date) -> None:
    grouped = indicators_section_by_area(tree(), year, month, as_of, county_statuses(COUNTY, as_of))
    areas = {area.code: area for area in Area.objects.all()}
    assert_same_as_raw(grouped, lambda code: indicators_section(areas[code], year, month))
    assert grouped[COUNTY]["CJ01"]["reporting_areas"] == 1  # the county set
    assert grouped[TOWN_A]["CJ01"]["reporting_areas"] == 2  # the village set
    assert "CJ09" in grouped[TOWN_A] and "CJ09" not in grouped[TOWN_B]


@pytest.mark.parametrize(("year", "month", "as_of"), MONTHS)
def test_every_area_is_its_own_projects_section(spread: Ind, year: int, month: int, as_of: dt.date) -> None:
    grouped = projects_section_by_area(tree(), year, month, as_of, county_statuses(COUNTY, as_of))
    areas = {area.code: area for area in Area.objects.all()}
    assert_same_as_raw(grouped, lambda code: projects_section(areas[code], year, month))
    assert (
        grouped[COUNTY]["projects"] == 4
        and grouped[TOWN_B]["projects"] == grouped[VILLAGE_B1]["projects"] == 1
    )


@pytest.mark.parametrize(
    ("build", "ceiling"),
    [(indicators_section_by_area, 4), (projects_section_by_area, 3)],
    ids=["indicators", "projects"],
)
def test_queries_do_not_grow_with_the_villages(
    spread: Ind, build: Any, ceiling: int, django_assert_max_num_queries: Any
) -> None:
    as_of = D(2019, 3, 31)
    statuses = county_statuses(COUNTY, as_of)
    before, after = queries_by_villages(lambda county: build(county, 2019, 3, as_of, statuses))
    assert after == before <= ceiling
    county = tree()
    assert len(county.codes) > 25
    with django_assert_max_num_queries(ceiling):
        build(county, 2019, 3, as_of, statuses)
