"""fieldwork_by_area gives every area of the county what fieldwork_section gives it (the quota of
each area from the county's cadres judged once), in a fixed number of queries however many villages
the county has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.areas.tests.by_area import assert_same_as_raw, grouped, more_villages, queries_of
from fupin.areas.tree import county_tree
from fupin.duty.models import Pairing
from fupin.duty.tests.conftest import make_household
from fupin.fieldwork.figures import fieldwork_by_area, fieldwork_section
from fupin.fieldwork.models import CheckInKind
from fupin.fieldwork.tests.conftest import VILLAGE_A2, Field
from fupin.fieldwork.tests.test_figures import october as october  # the hand-counted October
from fupin.registry.figures import county_statuses

D = dt.date
MONTH_END, MID_MONTH = D(2019, 10, 31), D(2019, 10, 15)


def raw(area: Area, as_of: dt.date) -> dict[str, Any]:
    return fieldwork_section(area, 2019, 10, as_of)


@pytest.mark.parametrize("as_of", [MONTH_END, MID_MONTH])
def test_every_area_gets_what_the_raw_section_gives_it(october: Field, as_of: dt.date) -> None:
    # G5 is paired in town B until the 15th: judged there on the 15th, not at the month's end.
    october.pair("G5", "H4", D(2019, 1, 1), D(2019, 10, 15))
    county = october.county.county
    assert_same_as_raw(fieldwork_by_area, raw, county, 2019, 10, as_of)
    figures = grouped(fieldwork_by_area, county, 2019, 10, as_of)
    paired_in_town_b = figures[october.county.town_b.code]["quota"]["帮扶干部"]
    assert paired_in_town_b == ({"cadres": 1, "met": 0} if as_of == MID_MONTH else {"cadres": 0, "met": 0})
    # Cadres seated in the county's units (G2, the office's department head) count in the county only.
    assert figures[county.code]["quota"]["部门主要负责人"] == {"cadres": 1, "met": 0}
    assert figures[october.county.town_a.code]["quota"]["部门主要负责人"] == {"cadres": 0, "met": 0}
    assert figures[october.county.village_b1.code]["invalid_checkins"] == 0
    assert figures[october.county.village_b1.code]["valid_checkins"] == 1  # G2's 驻村 in B1


def test_a_county_rule_change_reaches_every_area(october: Field) -> None:
    from fupin.areas.services import county_setting_set
    from fupin.conftest import EVERYTHING, SYSTEM

    rules = [{"category": "paired_cadre", "kinds": ["household"], "days": 7, "period": "month"}]
    county = october.county.county
    county_setting_set(actor=SYSTEM, scope=EVERYTHING, county=county, name="quota_rules", value=rules)
    assert_same_as_raw(fieldwork_by_area, raw, county, 2019, 10, MONTH_END)
    figures = grouped(fieldwork_by_area, county, 2019, 10, MONTH_END)
    assert figures[october.county.village_a2.code]["quota"] == {"帮扶干部": {"cadres": 1, "met": 1}}  # G4


def test_queries_do_not_grow_with_villages(october: Field, django_assert_max_num_queries: Any) -> None:
    county = october.county.county
    before = queries_of(fieldwork_by_area, county, 2019, 10, MONTH_END)
    # New villages without coordinates: rule 1 alone decides their check-ins.
    for n, village in enumerate(more_villages(october.county.town_b, 5)):
        household = make_household(f"H{20 + n}", village)
        october.households[household.code] = household
        Pairing.objects.create(cadre=october.cadre("G5"), household=household, start_date=D(2019, 1, 1))
        october.checkin(
            "G5", CheckInKind.HOUSEHOLD, village, D(2019, 10, 10 + n), household=household.code, at=VILLAGE_A2
        )
    assert queries_of(fieldwork_by_area, county, 2019, 10, MONTH_END) == before
    tree, statuses = county_tree(county), county_statuses(county.code, MONTH_END)
    with django_assert_max_num_queries(9):
        figures = fieldwork_by_area(tree, 2019, 10, MONTH_END, statuses)
    assert figures[october.county.town_b.code]["quota"]["帮扶干部"] == {"cadres": 1, "met": 0}
    assert figures[october.county.town_b.code]["valid_checkins"] == 1 + 5
    assert_same_as_raw(fieldwork_by_area, raw, county, 2019, 10, MONTH_END)
