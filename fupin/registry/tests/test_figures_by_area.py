"""registry_by_area gives every area of the county what registry_section gives it, in a fixed
number of queries however many villages the county has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.areas.tests.by_area import assert_same_as_raw, grouped, more_villages, queries_of
from fupin.conftest import County, Personas
from fupin.registry.figures import registry_by_area, registry_section
from fupin.registry.models import Household, PovertyStatus, StatusChange
from fupin.registry.tests.conftest import make_household

D = dt.date
MONTH_END, MID_MONTH = D(2019, 11, 30), D(2019, 11, 15)


def change(household: Household, before: str, after: str, on: dt.date) -> None:
    StatusChange.objects.create(
        household=household, from_status=before, to_status=after, on=on, actor_name="测试"
    )


def build(county: County) -> None:
    """Households in three villages of two towns and one in another county; statuses that change
    between the middle and the end of November; one registered only in 2020."""
    c = county
    make_household("H1", c.village_a1)
    make_household("H2", c.village_a1, PovertyStatus.RELAPSED)
    make_household("H3", c.village_a2, PovertyStatus.OUT, exit_year=2018)
    exited = make_household("H4", c.village_a2, PovertyStatus.OUT, exit_year=2019)
    change(exited, PovertyStatus.NOT_OUT, PovertyStatus.OUT, D(2019, 11, 20))  # exits after MID_MONTH
    cancelled = make_household("H5", c.village_b1, PovertyStatus.CANCELLED)
    change(cancelled, PovertyStatus.NOT_OUT, PovertyStatus.CANCELLED, D(2019, 11, 25))
    make_household("H6", c.village_b1, PovertyStatus.NEW)  # not a registered household
    make_household("H7", c.village_b1, registered_year=2020)
    other = Area.objects.create(code="610726100200", name="外县村", level="village", parent=c.other_county)
    make_household("H8", other)


def raw(area: Area, as_of: dt.date) -> dict[str, Any]:
    return registry_section(area.code, as_of)


@pytest.mark.parametrize("as_of", [MONTH_END, MID_MONTH])
def test_every_area_gets_what_the_raw_section_gives_it(personas: Personas, as_of: dt.date) -> None:
    build(personas.county)
    assert_same_as_raw(registry_by_area, raw, personas.county.county, 2019, 11, as_of)
    figures = grouped(registry_by_area, personas.county.county, 2019, 11, as_of)
    # The cut-off matters: on the 15th H4 has not exited and H5 is not cancelled.
    county = figures[personas.county.county.code]
    expected = (5, 4, 1) if as_of == MID_MONTH else (4, 2, 2)
    assert (county["households"], county["poor_households"], county["exited_households"]) == expected


def test_queries_do_not_grow_with_villages(personas: Personas, django_assert_max_num_queries: Any) -> None:
    build(personas.county)
    county = personas.county.county
    before = queries_of(registry_by_area, county, 2019, 11, MONTH_END)
    for n, village in enumerate(more_villages(personas.county.town_b, 6)):
        make_household(f"H{20 + n}", village, PovertyStatus.RELAPSED if n % 2 else PovertyStatus.NOT_OUT)
    assert queries_of(registry_by_area, county, 2019, 11, MONTH_END) == before
    inputs = _inputs(county)
    with django_assert_max_num_queries(1):
        grouped_figures = registry_by_area(*inputs)
    assert grouped_figures[county.code]["poor_villages"] == 2 + 3
    assert_same_as_raw(registry_by_area, raw, county, 2019, 11, MONTH_END)


def _inputs(county: Area) -> tuple[Any, ...]:
    from fupin.areas.tree import county_tree
    from fupin.registry.figures import county_statuses

    return (county_tree(county), 2019, 11, MONTH_END, county_statuses(county.code, MONTH_END))
