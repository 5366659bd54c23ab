"""The `indicators` and `projects` sections of the figures document on hand-built data, as
docs/figures.md defines them, through `fupin figures`' document and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.indicators.figures import indicators_section, projects_section
from fupin.indicators.models import Industry, ValueKind
from fupin.indicators.services.projects import project_create, project_plan_set, project_progress_save
from fupin.indicators.tests.conftest import Ind
from fupin.reports.figures import figures_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(ind: Ind) -> Ind:
    a1, a2 = ind.county.village_a1, ind.county.village_a2
    for month in (1, 2, 3):
        ind.enter(a1, 2019, month, {"CJ01": "10.12" if month == 1 else 10, "CJ02": month, "CJ03": 9})
        ind.enter(a1, 2018, month, {"CJ01": 8, "CJ02": 1, "CJ03": 9})
    ind.enter(a2, 2019, 1, {"CJ01": 1})  # then nothing: February and March missing
    ind.enter(a1, 2019, 0, {"CJ01": 60}, kind=ValueKind.PLAN)
    project = project_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        code="P1",
        name="略钢技改",
        industry=Industry.INDUSTRY,
        owner_unit=ind.county.agriculture,
        area=ind.county.town_a,
        start_date=dt.date(2019, 2, 1),
        end_date=None,
        total_investment=Decimal(1000),
    )
    project_plan_set(
        actor=SYSTEM, scope=EVERYTHING, project=project, year=2019, planned_investment=Decimal(900)
    )
    project_progress_save(
        actor=SYSTEM,
        scope=EVERYTHING,
        project=project,
        year=2019,
        month=3,
        completed_investment=Decimal(530),
        progress="",
        expected_version=None,
    )
    return ind


def test_indicators_section_of_a_village(built: Ind) -> None:
    section = indicators_section(built.county.village_a1, 2019, 3)
    assert section["CJ01"] == {
        "name": "村集体经济收入",
        "unit": "万元",
        "ytd": 30.12,
        "plan": 60.0,
        "completion": 0.502,
        "last_year_ytd": 24.0,
        "growth": 0.255,
        "reporting_areas": 1,
        "areas_with_value": 1,
        "missing_periods": 0,
    }
    assert section["CJ02"]["ytd"] == 3.0  # a stock: March's value
    assert set(section) == {"CJ01", "CJ02", "CJ03"}


def test_indicators_section_of_the_town_lists_the_missing_months(built: Ind) -> None:
    section = indicators_section(built.county.town_a, 2019, 3)
    assert section["CJ01"]["ytd"] == 31.12
    assert section["CJ01"]["missing_periods"] == 2
    assert section["CJ01"]["growth"] is None  # a missing month: not comparable
    assert (section["CJ01"]["reporting_areas"], section["CJ01"]["areas_with_value"]) == (2, 2)
    assert section["NY01"]["ytd"] is None and section["NY01"]["missing_periods"] == 3


def test_projects_section_counts_from_the_start_month(built: Ind) -> None:
    section = projects_section(built.county.county, 2019, 3)
    assert section == {
        "projects": 1,
        "planned_investment": 900.0,
        "completed_investment": 530.0,
        "completion": 0.5889,
        "missing_reports": 1,  # February (started in February); January is before the start
        "by_industry": {"工业": {"projects": 1, "planned_investment": 900.0, "completed_investment": 530.0}},
    }
    assert projects_section(built.county.town_b, 2019, 3)["projects"] == 0


def test_the_document_and_the_api_carry_both_sections(built: Ind) -> None:
    document = figures_document(built.county.county, "2019-03")
    assert document["projects"]["completion"] == 0.5889
    assert document["indicators"]["CJ01"]["ytd"] == 31.12
    answer = built.personas.client("county_admin").get("/api/figures/?area=610727000000&month=2019-03").json()
    assert answer["indicators"] == document["indicators"] and answer["projects"] == document["projects"]
