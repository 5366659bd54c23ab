"""duty_by_area gives every area of the county what duty_section gives it, in a fixed number of
queries however many villages the county has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.areas.tests.by_area import assert_same_as_raw, grouped, more_villages, queries_of
from fupin.areas.tree import county_tree
from fupin.duty.figures import duty_by_area, duty_section
from fupin.duty.models import LeaderTown, Pairing, TeamRole, UnitVillage, WorkTeamMember
from fupin.duty.tests.conftest import Duty, make_household
from fupin.registry.figures import county_statuses
from fupin.registry.models import PovertyStatus, StatusChange

D = dt.date
MONTH_END, MID_MONTH = D(2019, 11, 30), D(2019, 11, 15)


def build(duty: Duty) -> None:
    """Pairings, teams and aid units in three villages of two towns, some starting or ending between
    the middle and the end of November; a household that exits on the 20th."""
    c = duty.county
    duty.pair("G3", "H1", D(2019, 1, 1))
    duty.pair("G3", "H3", D(2019, 1, 1))  # an exited household
    duty.pair("G4", "H2", D(2019, 1, 1), D(2019, 11, 20))  # ends after MID_MONTH
    duty.pair("G5", "H4", D(2019, 11, 16))  # starts after MID_MONTH
    duty.pair("G2", "H5", D(2019, 1, 1))  # a cancelled household does not count
    duty.pair("G4", "H6", D(2019, 1, 1))
    StatusChange.objects.create(
        household=duty.households["H6"],
        from_status=PovertyStatus.NOT_OUT,
        to_status=PovertyStatus.OUT,
        on=D(2019, 11, 20),
        actor_name="测试",
    )
    duty.households["H6"].poverty_status = PovertyStatus.OUT
    duty.households["H6"].save()
    duty.team("G7", c.village_a1, TeamRole.FIRST_SECRETARY)
    duty.team("G3", c.village_b1)
    duty.team("G4", c.village_b1, TeamRole.SECRETARY_AND_LEADER, start=D(2019, 11, 18))
    duty.team("G2", c.village_a2, TeamRole.FIRST_SECRETARY, end=D(2019, 11, 10))
    duty.unit_village(c.office_unit, c.village_a1)
    duty.unit_village(c.office_unit, c.village_a2)
    duty.unit_village(c.agriculture, c.village_b1, end=D(2019, 11, 16))
    duty.unit_village(c.town_b_gov, c.village_b1)
    # A county leader leading a town: a county-level assignment that duty figures do not count.
    LeaderTown.objects.create(cadre=duty.cadre("G1"), town=c.town_a, start_date=D(2019, 1, 1))


def raw(area: Area, as_of: dt.date) -> dict[str, Any]:
    return duty_section(area.code, as_of)


@pytest.mark.parametrize("as_of", [MONTH_END, MID_MONTH])
def test_every_area_gets_what_the_raw_section_gives_it(duty: Duty, as_of: dt.date) -> None:
    build(duty)
    county = duty.county.county
    assert_same_as_raw(duty_by_area, raw, county, 2019, 11, as_of)
    town_b = grouped(duty_by_area, county, 2019, 11, as_of)[duty.county.town_b.code]
    # On the 15th G4's team and G5's pairing have not started; the agriculture bureau still aids B1.
    expected = (0, 2, 0, 1) if as_of == MID_MONTH else (1, 1, 1, 2)
    assert (
        town_b["paired_cadres"],
        town_b["aid_units"],
        town_b["villages_with_first_secretary"],
        town_b["work_team_members"],
    ) == expected


def test_queries_do_not_grow_with_villages(duty: Duty, django_assert_max_num_queries: Any) -> None:
    build(duty)
    county = duty.county.county
    before = queries_of(duty_by_area, county, 2019, 11, MONTH_END)
    for n, village in enumerate(more_villages(duty.county.town_a, 6)):
        household = make_household(f"H{20 + n}", village)
        Pairing.objects.create(cadre=duty.cadre("G3"), household=household, start_date=D(2019, 1, 1))
        UnitVillage.objects.create(unit=duty.county.agriculture, village=village, start_date=D(2019, 1, 1))
        member = duty.cadre("G5")
        WorkTeamMember.objects.create(
            cadre=member,
            village=village,
            role=TeamRole.MEMBER,
            sending_unit=member.unit,
            start_date=D(2019, 1, 1),
        )
    assert queries_of(duty_by_area, county, 2019, 11, MONTH_END) == before
    tree, statuses = county_tree(county), county_statuses(county.code, MONTH_END)
    with django_assert_max_num_queries(3):
        figures = duty_by_area(tree, 2019, 11, MONTH_END, statuses)
    # H1 and the new ones; H2's pairing ended on the 20th.
    assert figures[duty.county.town_a.code]["poor_households_paired"] == 1 + 6
    assert_same_as_raw(duty_by_area, raw, county, 2019, 11, MONTH_END)
