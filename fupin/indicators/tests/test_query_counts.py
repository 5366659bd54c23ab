"""Query-count ceilings: the report, the approval board, the project list and the API read in a
fixed number of queries however many areas, months and projects there are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.indicators.models import Industry, ValueKind
from fupin.indicators.services.projects import project_create, project_plan_set, project_progress_save
from fupin.indicators.tests.conftest import Ind

pytestmark = pytest.mark.django_db


def fill(ind: Ind, months: int, projects: int) -> None:
    for village in (ind.county.village_a1, ind.county.village_a2, ind.county.village_b1):
        for month in range(1, months + 1):
            ind.enter(village, 2019, month, {"CJ01": month, "CJ02": 1, "CJ03": 2})
        ind.enter(village, 2019, 0, {"CJ01": 100}, kind=ValueKind.PLAN)
    for town in (ind.county.town_a, ind.county.town_b):
        for month in range(1, months + 1):
            ind.enter(town, 2019, month, {"NY01": 10})
    for number in range(projects):
        project = project_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            code=f"Q{number}",
            name=f"项目{number}",
            industry=Industry.INDUSTRY,
            owner_unit=ind.county.agriculture,
            area=ind.county.town_a,
            start_date=dt.date(2019, 1, 1),
            end_date=None,
            total_investment=Decimal(10),
        )
        project_plan_set(
            actor=SYSTEM, scope=EVERYTHING, project=project, year=2019, planned_investment=Decimal(5)
        )
        for month in range(1, months + 1):
            project_progress_save(
                actor=SYSTEM,
                scope=EVERYTHING,
                project=project,
                year=2019,
                month=month,
                completed_investment=Decimal(1),
                progress="",
                expected_version=None,
            )


@pytest.mark.parametrize(("months", "projects"), [(2, 1), (6, 5)])
@pytest.mark.parametrize(
    "url",
    [
        "/indicators/report/?area=610727000000&year=2019&month=6",
        "/indicators/approvals/CJ/?area=610727000000&year=2019&period=2",
        "/projects/?year=2019&month=6",
        "/api/indicators/report/?area=610727000000&year=2019&month=6",
        "/api/projects/?year=2019&month=6",
        "/indicators/report/export.xlsx?area=610727000000&year=2019&month=6",
    ],
)
def test_pages_read_in_a_fixed_number_of_queries(
    ind: Ind, django_assert_max_num_queries: Any, months: int, projects: int, url: str
) -> None:
    fill(ind, months, projects)
    client = ind.personas.client("county_admin")
    client.get(reverse("home"))  # the session and the scope's account, once
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200
