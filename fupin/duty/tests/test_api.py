"""The duty API, persona by persona, query ceilings of the duty pages and endpoints, and the
household visibility that duties give."""

from __future__ import annotations

import pytest

from fupin.core.models import ChangeLog
from fupin.duty.models import Pairing, TeamRole
from fupin.duty.tests.conftest import D, Duty, make_household
from fupin.people.tests.helpers import STAFF_PERSONAS, api_results, post_json
from fupin.registry.selectors import household_list

PAIRINGS = {
    "county_admin": {"G3-H1", "G4-H4", "G2-H2"},
    "county_leader": {"G3-H1", "G4-H4", "G2-H2"},
    "office_staff": {"G3-H1", "G4-H4", "G2-H2"},
    "town_official": {"G3-H1", "G2-H2"},
    "unit_user": {"G3-H1", "G4-H4"},
    "work_team": {"G3-H1", "G2-H2"},
    "paired_cadre": {"G3-H1"},
    "outsider": set(),
}


@pytest.fixture
def chain(duty: Duty) -> Duty:
    c = duty.county
    duty.pair("G3", "H1", D(2019, 1, 1))
    duty.pair("G4", "H4", D(2019, 1, 1))
    duty.pair("G2", "H2", D(2018, 1, 1), D(2018, 12, 31))
    duty.team("G7", c.village_a1, TeamRole.FIRST_SECRETARY)
    duty.team("G2", c.village_b1, TeamRole.MEMBER)
    duty.unit_village(c.agriculture, c.village_a1)
    return duty


def pairing_keys(rows: list[dict[str, object]]) -> set[str]:
    return {f"{r['cadre_code']}-{r['household_code']}" for r in rows}


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_each_persona_lists_the_pairings_in_its_scope(chain: Duty, persona: str) -> None:
    client = chain.personas.client(persona)
    assert pairing_keys(api_results(client, "/api/pairings/")) == PAIRINGS[persona]
    active = pairing_keys(api_results(client, "/api/pairings/", active_on="2020-01-01"))
    assert active == PAIRINGS[persona] - {"G2-H2"}


def test_pairing_rows_and_filters(chain: Duty) -> None:
    client = chain.personas.client("office_staff")
    rows = api_results(client, "/api/pairings/", household="H1")
    assert rows == [
        {
            "cadre_code": "G3",
            "cadre_name": "孙科员",
            "unit_name": "县农业农村局",
            "household_code": "H1",
            "head_name": "户主H1",
            "village_code": "610727100200",
            "start_date": "2019-01-01",
            "end_date": None,
            "version": 1,
        }
    ]
    assert pairing_keys(api_results(client, "/api/pairings/", area="610727101000")) == {"G4-H4"}
    assert pairing_keys(api_results(client, "/api/pairings/", cadre="G2")) == {"G2-H2"}
    assert client.get("/api/pairings/", {"active_on": "soon"}).status_code == 400


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_each_persona_lists_the_work_teams_in_its_scope(chain: Duty, persona: str) -> None:
    expected = {
        "county_admin": {"G7", "G2"},
        "county_leader": {"G7", "G2"},
        "office_staff": {"G7", "G2"},
        "town_official": {"G7"},
        "unit_user": {"G7"},
        "work_team": {"G7"},
        "paired_cadre": set(),
        "outsider": set(),
    }[persona]
    rows = api_results(chain.personas.client(persona), "/api/work-teams/")
    assert {r["cadre_code"] for r in rows} == expected
    if "G7" in expected:
        g7 = next(r for r in rows if r["cadre_code"] == "G7")
        assert (g7["role"], g7["role_label"], g7["village_code"]) == (
            "first_secretary",
            "第一书记",
            "610727100200",
        )


def test_the_public_is_refused(chain: Duty) -> None:
    client = chain.personas.client("public")
    assert client.get("/api/pairings/").status_code == 403
    assert client.get("/api/work-teams/").status_code == 403
    assert (
        post_json(
            client, "/api/pairings/", {"cadre_code": "G3", "household_code": "H2", "start_date": "2020-01-01"}
        ).status_code
        == 403
    )
    assert Pairing.objects.count() == 3


def test_a_manager_creates_a_pairing(chain: Duty) -> None:
    response = post_json(
        chain.personas.client("office_staff"),
        "/api/pairings/",
        {"cadre_code": "G5", "household_code": "H6", "start_date": "2020-01-01"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["household_code"] == "H6"
    pairing = Pairing.objects.get(cadre__code="G5")
    entry = ChangeLog.objects.get(object_type="duty.pairing", object_id=pairing.pk)
    assert (entry.actor_name, entry.source) == ("office_staff", "api")


@pytest.mark.parametrize(
    ("persona", "payload", "status", "detail"),
    [
        ("unit_user", {"household_code": "H6"}, 403, "只有县扶贫办和乡镇"),
        ("paired_cadre", {"household_code": "H6"}, 403, "只有县扶贫办和乡镇"),
        ("county_leader", {"household_code": "H6"}, 403, "只有县扶贫办和乡镇"),
        ("town_official", {"household_code": "H4"}, 400, ""),  # the other town's household
        ("outsider", {"household_code": "H6"}, 400, ""),
        ("office_staff", {"household_code": "H1"}, 400, "重叠"),  # G3 already pairs H1
        ("office_staff", {"household_code": "H5"}, 400, "已注销"),
        ("office_staff", {"household_code": "H6", "end_date": "2019-01-01"}, 400, "结束日期不能早于开始日期"),
        ("office_staff", {"household_code": "H6", "cadre_code": "G404"}, 400, ""),
    ],
)
def test_refused_creations_change_nothing(
    chain: Duty, persona: str, payload: dict[str, str], status: int, detail: str
) -> None:
    changes = ChangeLog.objects.count()
    body = {"cadre_code": "G3", "start_date": "2020-01-01"} | payload
    response = post_json(chain.personas.client(persona), "/api/pairings/", body)
    assert response.status_code == status, response.content
    if detail:
        assert detail in response.json()["detail"]
    assert Pairing.objects.count() == 3
    assert ChangeLog.objects.count() == changes


# -- the households duties reach -----------------------------------------------------------------
def test_a_unit_user_sees_its_units_villages_but_a_cadre_of_the_unit_only_its_pairings(chain: Duty) -> None:
    h2_in_a1 = {"H1", "H2"}
    assert {h.code for h in household_list(chain.scope("unit_user"))} == h2_in_a1 | {"H4"}
    assert {h.code for h in household_list(chain.scope("paired_cadre"))} == {"H1"}


# -- query ceilings ------------------------------------------------------------------------------
# Measured for county_admin; the ceiling adds a margin of 1.
CEILINGS = {
    "/coverage/?as_of=2020-01-01": 15,
    "/coverage/households.xlsx?as_of=2020-01-01": 6,
    "/duty/cadres/G3/?as_of=2020-01-01": 10,
    "/duty/units/U2/?as_of=2020-01-01": 11,
    "/duty/pairings/?all=1": 8,
    "/duty/work-teams/?all=1": 8,
    "/api/pairings/": 6,
    "/api/work-teams/": 6,
}
# A unit user's scope also walks its unit tree: one query per level below the unit (U2 > U3).
UNIT_TREE_QUERIES = 2


def grow(duty: Duty, n: int = 25) -> None:
    c = duty.county
    for i in range(n):
        household = make_household(f"H{200 + i}", [c.village_a1, c.village_a2, c.village_b1][i % 3])
        duty.households[household.code] = household
        duty.pair(["G3", "G4", "G5"][i % 3], household.code, D(2019, 1, 1) if i % 2 else D(2019, 6, 1))
    duty.team("G3", c.village_a2, TeamRole.MEMBER)
    duty.team("G5", c.village_a2, TeamRole.SECRETARY_AND_LEADER)
    duty.unit_village(c.agriculture, c.village_a2)
    duty.unit_village(c.agriculture_station, c.village_b1)


@pytest.mark.parametrize("persona", ["county_admin", "unit_user"])
@pytest.mark.parametrize("url", list(CEILINGS))
def test_query_count_does_not_grow_with_rows(
    chain: Duty, persona: str, url: str, django_assert_max_num_queries: object
) -> None:
    client = chain.personas.client(persona)
    ceiling = CEILINGS[url] + 1 + (UNIT_TREE_QUERIES if persona == "unit_user" else 0)
    with django_assert_max_num_queries(ceiling):  # type: ignore[operator]
        assert client.get(url).status_code == 200
    grow(chain)
    with django_assert_max_num_queries(ceiling):  # type: ignore[operator]
        assert client.get(url).status_code == 200
