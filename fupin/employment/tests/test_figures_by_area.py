"""employment_section_by_area: every area of the county from one read, equal to employment_section
of each area, on the data of test_figures (two towns, three villages, a county-held training)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fupin.areas.tests.grouped import COUNTY, assert_same_as_raw, queries_by_villages, tree
from fupin.conftest import EVERYTHING, SYSTEM
from fupin.employment.figures import employment_section, employment_section_by_area
from fupin.employment.services.programmes import welfare_posts_upsert
from fupin.employment.tests.conftest import Emp
from fupin.employment.tests.test_figures import build
from fupin.registry.figures import county_statuses

D = dt.date
CEILING = 13


@pytest.mark.parametrize(
    ("year", "month", "as_of"),
    [
        (2019, 11, D(2019, 11, 30)),
        # Cuts off the placement of the 20th and the training T1's person-times are still in.
        (2019, 11, D(2019, 11, 15)),
        (2019, 12, D(2019, 12, 31)),
        (2019, 10, D(2019, 10, 3)),  # before T2 ended: no person-times to date
    ],
)
def test_every_area_is_its_own_section(emp: Emp, year: int, month: int, as_of: dt.date) -> None:
    build(emp)
    grouped = employment_section_by_area(tree(), year, month, as_of, county_statuses(COUNTY, as_of))
    assert_same_as_raw(grouped, lambda code: employment_section(code, year, month, as_of))
    # The data reaches the villages, towns and county differently: the check compares something.
    assert grouped[COUNTY]["laborers"] > grouped["610727100000"]["laborers"] > 0
    assert grouped["610727101200"]["laborers"] > 0


def test_maps_keep_the_order_of_their_keys(emp: Emp) -> None:
    build(emp)
    c = emp.personas.county
    # A third funding in town B, whose value sorts between the others.
    welfare_posts_upsert(
        actor=SYSTEM,
        scope=EVERYTHING,
        rows=[
            {
                "code": "G9",
                "village": c.village_b1,
                "post_type": "cleaning",
                "holder": None,
                "monthly_wage": Decimal(300),
                "funding": "other",
                "start_date": D(2019, 1, 1),
                "end_date": None,
            }
        ],
    )
    as_of = D(2019, 11, 30)
    grouped = employment_section_by_area(tree(), 2019, 11, as_of, county_statuses(COUNTY, as_of))
    assert_same_as_raw(grouped, lambda code: employment_section(code, 2019, 11, as_of))
    assert len(grouped[COUNTY]["welfare_jobs_by_funding"]) == 3


def test_queries_do_not_grow_with_the_villages(emp: Emp, django_assert_max_num_queries: Any) -> None:
    build(emp)
    as_of = D(2019, 11, 30)
    statuses = county_statuses(COUNTY, as_of)
    before, after = queries_by_villages(
        lambda county: employment_section_by_area(county, 2019, 11, as_of, statuses)
    )
    assert after == before <= CEILING
    county = tree()
    assert len(county.codes) > 25
    with django_assert_max_num_queries(CEILING):
        employment_section_by_area(county, 2019, 11, as_of, statuses)
