"""The duty selectors: coverage board, loads, responsibility lists, helpers over time, and which
assignments each persona sees."""

from __future__ import annotations

import pytest

from fupin.areas.models import Area
from fupin.areas.services import county_setting_set
from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.scope import NOTHING
from fupin.duty.figures import duty_section
from fupin.duty.models import LeaderTown, TeamRole
from fupin.duty.selectors import (
    cadre_responsibilities,
    coverage_board,
    household_helpers,
    leader_town_list,
    pairing_list,
    unit_responsibilities,
    unit_village_list,
    work_team_list,
)
from fupin.duty.tests.conftest import D, Duty, make_household
from fupin.people.models import Unit
from fupin.people.scope import scope_for
from fupin.registry.models import PovertyStatus, StatusChange

AS_OF = D(2020, 1, 1)
COUNTY = "610727000000"


def codes(items: object) -> list[str]:
    return [item.code for item in items]  # type: ignore[attr-defined]


@pytest.fixture
def chain(duty: Duty) -> Duty:
    """G3 pairs H1 and H6; G4 paired H2 until 2019-06-30; G5 pairs H4 from 2020-02-01 (later).
    A1 has a first secretary (G7); B1's ended. U2 helps A1. G1 leads town A."""
    c = duty.county
    duty.pair("G3", "H1", D(2019, 1, 1))
    duty.pair("G3", "H6", D(2019, 1, 1))
    duty.pair("G4", "H2", D(2019, 1, 1), D(2019, 6, 30))
    duty.pair("G5", "H4", D(2020, 2, 1))
    duty.team("G7", c.village_a1, TeamRole.FIRST_SECRETARY)
    duty.team("G2", c.village_b1, TeamRole.SECRETARY_AND_LEADER, D(2018, 1, 1), D(2019, 12, 31))
    duty.unit_village(c.agriculture, c.village_a1)
    LeaderTown.objects.create(
        cadre=duty.cadre("G1"), town=c.town_a, lead_unit=c.agriculture, start_date=D(2019, 1, 1)
    )
    return duty


# -- the coverage board --------------------------------------------------------------------------
def test_unpaired_poor_households(chain: Duty) -> None:
    board = coverage_board(EVERYTHING, AS_OF)
    # H1, H6 are paired; H3 is out, H5 cancelled; H2's pairing ended; H4's starts later.
    assert codes(board.unpaired_households) == ["H2", "H4"]
    assert codes(coverage_board(EVERYTHING, D(2020, 2, 1)).unpaired_households) == ["H2"]
    town_a = Area.objects.get(code="610727100000")
    assert codes(coverage_board(EVERYTHING, AS_OF, town_a).unpaired_households) == ["H2"]


def test_poverty_status_is_read_as_of_the_date_like_the_figures(chain: Duty) -> None:
    h3 = chain.households["H3"]
    # H3 left poverty on 2020-06-01; before that it was poor and unpaired.
    StatusChange.objects.create(
        household=h3,
        from_status=PovertyStatus.NOT_OUT,
        to_status=PovertyStatus.OUT,
        on=D(2020, 6, 1),
        actor_name="测试",
    )
    # H1 relapsed 2019-03-01 and so was poor throughout; a household registered in 2021 is not counted.
    StatusChange.objects.create(
        household=chain.households["H1"],
        from_status=PovertyStatus.OUT,
        to_status=PovertyStatus.RELAPSED,
        on=D(2019, 3, 1),
        actor_name="测试",
    )
    make_household("H7", chain.county.village_b1, registered_year=2021)
    assert codes(coverage_board(EVERYTHING, AS_OF).unpaired_households) == ["H2", "H3", "H4"]
    assert codes(coverage_board(EVERYTHING, D(2020, 6, 1)).unpaired_households) == ["H2"]
    for day in (AS_OF, D(2020, 6, 1), D(2021, 1, 1)):
        expected = duty_section(COUNTY, day)["poor_households_unpaired"]
        assert coverage_board(EVERYTHING, day).unpaired_households.count() == expected, day


def test_poor_villages_without_a_first_secretary(chain: Duty) -> None:
    assert codes(coverage_board(EVERYTHING, AS_OF).villages_without_first_secretary) == ["610727101200"]
    # B1's secretary-and-leader was still in office at the end of 2019.
    assert codes(coverage_board(EVERYTHING, D(2019, 12, 31)).villages_without_first_secretary) == []
    # A team member is not a first secretary.
    chain.team("G3", chain.county.village_b1, TeamRole.MEMBER, D(2019, 1, 1))
    assert codes(coverage_board(EVERYTHING, AS_OF).villages_without_first_secretary) == ["610727101200"]


def test_units_without_a_village(chain: Duty) -> None:
    admin = chain.scope("county_admin")
    assert codes(coverage_board(admin, AS_OF).units_without_village) == ["U1", "U3", "U4", "U5"]
    assert codes(coverage_board(admin, D(2018, 12, 31)).units_without_village) == [
        "U1",
        "U2",
        "U3",
        "U4",
        "U5",
    ]
    # The other county's unit is not in the county admin's scope.
    assert "U9" in codes(coverage_board(EVERYTHING, AS_OF).units_without_village)


def test_cadre_loads_and_the_county_limit(chain: Duty) -> None:
    chain.pair("G3", "H1", D(2018, 1, 1), D(2018, 12, 31))  # an old period of the same household
    admin = chain.scope("county_admin")
    board = coverage_board(admin, AS_OF)
    loads = {c.code: c.load for c in board.cadre_loads}
    assert loads["G3"] == 2
    assert loads["G4"] == 0 and loads["G5"] == 0  # paired cadres with no household today
    assert "G6" not in loads  # neither paired nor a 帮扶干部
    assert (board.load_limit, codes(board.overloaded_cadres)) == (5, [])
    county_setting_set(
        actor=SYSTEM, scope=admin, county=chain.county.county, name="cadre_load_limit", value=1
    )
    board = coverage_board(admin, AS_OF)
    assert (board.load_limit, codes(board.overloaded_cadres)) == (1, ["G3"])
    assert codes(board.cadre_loads)[0] == "G3"


def test_cadre_loads_in_a_town_keep_to_the_cadres_who_work_there(chain: Duty) -> None:
    town_b = Area.objects.get(code="610727101000")
    # G5 pairs H4 in town B from February; G6's unit is town B's government; G2 served in B1 until 2019.
    assert codes(coverage_board(EVERYTHING, AS_OF, town_b).cadre_loads) == []
    assert codes(coverage_board(EVERYTHING, D(2020, 2, 1), town_b).cadre_loads) == ["G5"]
    assert "G2" in codes(coverage_board(EVERYTHING, D(2019, 12, 31), town_b).cadre_loads)


def test_the_board_queries_do_not_grow_with_rows(chain: Duty, django_assert_max_num_queries: object) -> None:
    def measure() -> None:
        board = coverage_board(chain.scope("county_admin"), AS_OF)
        for queryset in (
            board.unpaired_households,
            board.villages_without_first_secretary,
            board.units_without_village,
            board.cadre_loads,
        ):
            list(queryset)
            queryset.count()
        board.overloaded_cadres.count()

    with django_assert_max_num_queries(12):  # type: ignore[operator]
        measure()
    for n in range(30):
        household = make_household(f"H{100 + n}", chain.county.village_a2)
        chain.households[household.code] = household
        # Half of them had a helper once, long ago; each leaves the poor in 2021.
        if n % 2:
            chain.pair("G4", household.code, D(2010, 1, 1), D(2010, 12, 31))
        StatusChange.objects.create(
            household=household,
            from_status=PovertyStatus.NOT_OUT,
            to_status=PovertyStatus.OUT,
            on=D(2021, 1, 1),
            actor_name="测试",
        )
    Unit.objects.bulk_create(
        [Unit(code=f"UX{n}", name=f"单位{n}", kind="other", area=chain.county.town_a) for n in range(20)]
    )
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        measure()


# -- responsibility lists ------------------------------------------------------------------------
def test_a_cadres_responsibility_list(chain: Duty) -> None:
    c = chain.county
    chain.unit_village(c.office_unit, c.village_b1)
    leader = cadre_responsibilities(EVERYTHING, chain.cadre("G1"), AS_OF)
    assert [(t.town.code, t.lead_unit.code if t.lead_unit else None) for t in leader.towns_led] == [
        ("610727100000", "U2")
    ]
    secretary = cadre_responsibilities(EVERYTHING, chain.cadre("G7"), AS_OF)
    assert [(m.village.code, m.role) for m in secretary.team_memberships] == [
        ("610727100200", TeamRole.FIRST_SECRETARY)
    ]
    paired = cadre_responsibilities(EVERYTHING, chain.cadre("G3"), AS_OF)
    assert [p.household.code for p in paired.pairings] == ["H1", "H6"]
    assert paired.unit_villages == [] and not paired.is_unit_head
    # G2 heads 县扶贫开发局 (U1): the unit's villages are on the list; its B1 team post ended in 2019.
    head = cadre_responsibilities(EVERYTHING, chain.cadre("G2"), AS_OF)
    assert head.is_unit_head
    assert [uv.village.code for uv in head.unit_villages] == ["610727101200"]
    assert head.team_memberships == []


def test_a_town_official_sees_only_its_towns_part_of_a_list(chain: Duty) -> None:
    chain.pair("G3", "H4", D(2019, 1, 1))
    mine = cadre_responsibilities(chain.scope("town_official"), chain.cadre("G3"), AS_OF)
    assert [p.household.code for p in mine.pairings] == ["H1", "H6"]


def test_a_units_responsibility_list(chain: Duty) -> None:
    u2 = chain.county.agriculture
    duties = unit_responsibilities(EVERYTHING, u2, AS_OF)
    assert [uv.village.code for uv in duties.villages] == ["610727100200"]
    assert [(m.cadre.code, m.village.code) for m in duties.team_members] == [("G7", "610727100200")]
    assert {item.cadre.code: [p.household.code for p in item.pairings] for item in duties.cadres} == {
        "G3": ["H1", "H6"],
        "G7": [],
    }
    assert duties.household_count == 2


# -- a household's helpers -----------------------------------------------------------------------
def test_helpers_over_time_newest_first_with_phones_masked(chain: Duty) -> None:
    chain.pair("G4", "H1", D(2017, 1, 1), D(2018, 12, 31))
    leader = household_helpers(chain.scope("county_leader"), chain.households["H1"], AS_OF)
    assert [(h.cadre_code, h.start_date, h.active) for h in leader] == [
        ("G3", D(2019, 1, 1), True),
        ("G4", D(2017, 1, 1), False),
    ]
    assert leader[0].phone == "138****0003"
    office = household_helpers(chain.scope("office_staff"), chain.households["H1"], AS_OF)
    assert office[0].phone == "13800000003"
    own = household_helpers(chain.scope("paired_cadre"), chain.households["H1"], AS_OF)
    assert [(h.cadre_code, h.phone) for h in own] == [("G3", "13800000003"), ("G4", "138****0004")]
    # A household the user may not see has no helpers to show.
    assert household_helpers(chain.scope("town_official"), chain.households["H4"], AS_OF) == []
    assert household_helpers(NOTHING, chain.households["H1"], AS_OF) == []


# -- who sees which assignment -------------------------------------------------------------------
VISIBLE_PAIRINGS = {
    "county_admin": {"G3-H1", "G3-H6", "G4-H2", "G5-H4", "G2-H3"},
    "county_leader": {"G3-H1", "G3-H6", "G4-H2", "G5-H4", "G2-H3"},
    "office_staff": {"G3-H1", "G3-H6", "G4-H2", "G5-H4", "G2-H3"},
    "town_official": {"G3-H1", "G3-H6", "G4-H2", "G2-H3"},
    "unit_user": {"G3-H1", "G3-H6", "G4-H2"},  # cadres of U2 and its sub-unit U3
    "paired_cadre": {"G3-H1", "G3-H6"},
    "work_team": {"G3-H1", "G4-H2"},  # its village A1
    "outsider": set(),
    "public": set(),
}


@pytest.mark.parametrize("persona", list(VISIBLE_PAIRINGS))
def test_each_persona_sees_its_pairings(chain: Duty, persona: str) -> None:
    chain.pair("G2", "H3", D(2019, 1, 1))
    seen = {
        f"{p.cadre.code}-{p.household.code}" for p in pairing_list(scope_for(chain.personas.users[persona]))
    }
    assert seen == VISIBLE_PAIRINGS[persona]


@pytest.mark.parametrize(
    ("persona", "teams", "unit_villages", "towns"),
    [
        ("county_admin", {"G7", "G2"}, {"U2"}, {"G1"}),
        ("town_official", {"G7"}, {"U2"}, {"G1"}),
        ("unit_user", {"G7"}, {"U2"}, {"G1"}),  # G7 is U2's; U2 leads G1's town
        ("work_team", {"G7"}, {"U2"}, set()),
        ("paired_cadre", set(), set(), set()),
        ("county_leader", {"G7", "G2"}, {"U2"}, {"G1"}),
        ("outsider", set(), set(), set()),
        ("public", set(), set(), set()),
    ],
)
def test_each_persona_sees_its_teams_units_and_towns(
    chain: Duty, persona: str, teams: set[str], unit_villages: set[str], towns: set[str]
) -> None:
    scope = scope_for(chain.personas.users[persona])
    assert {m.cadre.code for m in work_team_list(scope)} == teams
    assert {uv.unit.code for uv in unit_village_list(scope)} == unit_villages
    assert {t.cadre.code for t in leader_town_list(scope)} == towns
