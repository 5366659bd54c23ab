"""The registry and duty figures of a hand-built county against hand-counted answers (figures.md)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.areas.models import Area
from fupin.conftest import County, Personas, add_cadre, make_id
from fupin.duty.models import LeaderTown, Pairing, TeamRole, UnitVillage, WorkTeamMember
from fupin.people.models import Cadre
from fupin.registry.models import Household, Member, PovertyStatus, StatusChange
from fupin.reports.figures import figures_document

COUNTY, TOWN_A, TOWN_B = "610727000000", "610727100000", "610727101000"
A1, A2, B1 = "610727100200", "610727100201", "610727101200"
D = dt.date


def household(code: str, village: Area, status: str, members: int, registered: int = 2016) -> Household:
    h = Household.objects.create(
        code=code,
        village=village,
        area_code=village.code,
        head_name=f"户主{code}",
        head_id_number=make_id(100 + int(code[1:])),
        size=max(members, 1),
        identification_standard="national",
        category="general",
        main_cause="illness",
        poverty_status=status,
        registered_year=registered,
        exit_year=2018 if status == PovertyStatus.OUT else None,
    )
    for n in range(members):
        Member.objects.create(
            household=h,
            name=f"成员{code}-{n}",
            id_number=make_id(300 + int(code[1:]) * 10 + n),
            relation="head" if n == 0 else "son",
        )
    return h


def status_change(h: Household, before: str, after: str, on: dt.date) -> None:
    StatusChange.objects.create(household=h, from_status=before, to_status=after, on=on, actor_name="测试")


@pytest.fixture
def ledger_set(county: County) -> dict[str, Household]:
    a1, a2, b1 = (Area.objects.get(code=c) for c in (A1, A2, B1))
    other_village = Area.objects.create(
        code="610726100200", name="外县村", level="village", parent=county.other_county
    )
    cadres = {
        "G2": add_cadre("G2", "钱主任", county.office_unit, ["dept_head", "paired_cadre"], 2),
        "G3": add_cadre("G3", "孙科员", county.agriculture, ["paired_cadre"], 3),
        "G4": add_cadre("G4", "李技术员", county.agriculture_station, ["paired_cadre"], 4),
        "G5": add_cadre("G5", "周镇长", county.town_a_gov, ["town_cadre", "paired_cadre"], 5),
        "G7": add_cadre("G7", "郑书记", county.agriculture, ["first_secretary"], 7),
        "G8": add_cadre("G8", "王县长", county.office_unit, ["county_leader"], 8),
        "G9": add_cadre("G9", "冯干部", county.other_unit, ["paired_cadre"], 9),
    }
    h = {
        "H1": household("H1", a1, PovertyStatus.NOT_OUT, 3),
        "H2": household("H2", a1, PovertyStatus.OUT, 2),
        "H3": household("H3", a1, PovertyStatus.RELAPSED, 4),
        "H4": household("H4", a2, PovertyStatus.CANCELLED, 1),
        "H5": household("H5", b1, PovertyStatus.NOT_OUT, 2),
        "H6": household("H6", b1, PovertyStatus.NOT_OUT, 5, registered=2020),
        "H7": household("H7", other_village, PovertyStatus.NOT_OUT, 3),
        "H8": household("H8", a2, PovertyStatus.OUT, 2),
        "H9": household("H9", a2, PovertyStatus.CANCELLED, 1),
        "H10": household("H10", a2, PovertyStatus.NEW, 2),
    }
    # H8 exited after the end of November; H9 was cancelled after it; H3 relapsed before it.
    status_change(h["H8"], PovertyStatus.NOT_OUT, PovertyStatus.OUT, D(2019, 12, 15))
    status_change(h["H9"], PovertyStatus.NOT_OUT, PovertyStatus.CANCELLED, D(2019, 12, 5))
    status_change(h["H3"], PovertyStatus.OUT, PovertyStatus.RELAPSED, D(2019, 3, 1))

    def pair(cadre: str, code: str, start: dt.date, end: dt.date | None = None) -> None:
        Pairing.objects.create(cadre=cadres[cadre], household=h[code], start_date=start, end_date=end)

    pair("G3", "H1", D(2019, 1, 1))
    pair("G4", "H3", D(2019, 1, 1), D(2019, 10, 31))  # ended before as_of
    pair("G4", "H5", D(2019, 12, 1))  # starts after as_of
    pair("G3", "H2", D(2019, 1, 1))  # an exited household still counts for paired cadres
    pair("G2", "H4", D(2019, 1, 1))  # a cancelled household does not
    pair("G5", "H8", D(2019, 1, 1))
    pair("G9", "H7", D(2019, 1, 1))  # the other county
    pair("G5", "H6", D(2019, 1, 1))  # registered 2020: not counted in 2019

    def unit_village(unit: str, village: Area, start: dt.date, end: dt.date | None = None) -> None:
        UnitVillage.objects.create(
            unit=getattr(county, unit), village=village, start_date=start, end_date=end
        )

    unit_village("office_unit", a1, D(2018, 1, 1))
    unit_village("office_unit", a2, D(2018, 1, 1))
    unit_village("agriculture", b1, D(2018, 1, 1), D(2019, 6, 30))
    unit_village("town_b_gov", b1, D(2019, 1, 1))

    def team(cadre: str, village: Area, role: str, start: dt.date, end: dt.date | None = None) -> None:
        WorkTeamMember.objects.create(
            cadre=cadres[cadre],
            village=village,
            role=role,
            sending_unit=cadres[cadre].unit,
            start_date=start,
            end_date=end,
        )

    team("G7", a1, TeamRole.FIRST_SECRETARY, D(2018, 1, 1))
    team("G3", b1, TeamRole.MEMBER, D(2018, 1, 1))
    team("G4", b1, TeamRole.SECRETARY_AND_LEADER, D(2019, 12, 1))
    team("G2", a2, TeamRole.FIRST_SECRETARY, D(2018, 1, 1), D(2019, 5, 1))
    LeaderTown.objects.create(cadre=cadres["G8"], town=county.town_a, start_date=D(2018, 1, 1))
    return h


def document(area: str, month: str, as_of: str | None = None) -> dict[str, dict[str, int]]:
    return figures_document(Area.objects.get(code=area), month, as_of)  # type: ignore[return-value]


@pytest.mark.usefixtures("ledger_set")
def test_county_at_the_end_of_november() -> None:
    doc = document(COUNTY, "2019-11")
    assert doc["as_of"] == "2019-11-30"  # type: ignore[comparison-overlap]
    # Counted: H1, H2, H3, H5, H8 (not out until 15 Dec), H9 (not cancelled until 5 Dec).
    assert doc["registry"] == {
        "households": 6,
        "people": 3 + 2 + 4 + 2 + 2 + 1,
        "poor_households": 5,
        "exited_households": 1,
        "relapsed_households": 1,
        "poor_villages": 2,
    }
    assert doc["duty"] == {
        "paired_cadres": 2,  # G3 (H1, H2), G5 (H8)
        "poor_households_paired": 2,  # H1, H8
        "poor_households_unpaired": 3,  # H3 (pairing ended), H5 (pairing starts later), H9
        "aid_units": 2,  # U1 (two villages, once), U5; U2's ended
        "villages_with_first_secretary": 1,  # A1; A2's ended, B1's starts later
        "work_team_members": 2,  # G7, G3
    }


@pytest.mark.usefixtures("ledger_set")
def test_county_at_the_end_of_december() -> None:
    doc = document(COUNTY, "2019-12")
    assert doc["registry"] == {
        "households": 5,  # H9 cancelled
        "people": 3 + 2 + 4 + 2 + 2,
        "poor_households": 3,  # H1, H3, H5
        "exited_households": 2,  # H2, H8
        "relapsed_households": 1,
        "poor_villages": 2,
    }
    assert doc["duty"] == {
        "paired_cadres": 3,  # G3, G4 (H5 from 1 Dec), G5
        "poor_households_paired": 2,  # H1, H5
        "poor_households_unpaired": 1,  # H3
        "aid_units": 2,
        "villages_with_first_secretary": 2,
        "work_team_members": 3,
    }


@pytest.mark.usefixtures("ledger_set")
def test_as_of_inside_the_month_and_on_the_boundary_days() -> None:
    # On the day a pairing ends it is still active; on the day after it is not.
    assert document(COUNTY, "2019-10", "2019-10-31")["duty"]["poor_households_paired"] == 3  # H1, H3, H8
    assert document(COUNTY, "2019-11", "2019-11-01")["duty"]["poor_households_paired"] == 2
    # H9's cancellation counts from its own day.
    assert document(COUNTY, "2019-12", "2019-12-04")["registry"]["households"] == 6
    assert document(COUNTY, "2019-12", "2019-12-05")["registry"]["households"] == 5
    # Before H3 relapsed it was an exited household.
    early = document(COUNTY, "2019-02")["registry"]
    assert (early["relapsed_households"], early["exited_households"]) == (0, 2)


@pytest.mark.usefixtures("ledger_set")
def test_a_town_and_a_village() -> None:
    town = document(TOWN_A, "2019-11")
    assert town["registry"] == {
        "households": 5,  # H1, H2, H3, H8, H9
        "people": 3 + 2 + 4 + 2 + 1,
        "poor_households": 4,
        "exited_households": 1,
        "relapsed_households": 1,
        "poor_villages": 1,
    }
    assert town["duty"] == {
        "paired_cadres": 2,
        "poor_households_paired": 2,
        "poor_households_unpaired": 2,  # H3, H9
        "aid_units": 1,
        "villages_with_first_secretary": 1,
        "work_team_members": 1,
    }
    village = document(B1, "2019-11")
    assert village["registry"]["households"] == 1  # H5; H6 registered in 2020
    assert village["registry"]["poor_villages"] == 1
    assert village["duty"]["work_team_members"] == 1
    assert document(B1, "2020-01")["registry"]["households"] == 2


@pytest.mark.usefixtures("ledger_set")
def test_the_command_prints_the_same_document() -> None:
    out = StringIO()
    call_command("figures", "--area", COUNTY, "--month", "2019-11", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == document(COUNTY, "2019-11")
    text = StringIO()
    call_command("figures", "--area", TOWN_A, "--month", "2019-11", "--format", "text", stdout=text)
    assert "未结对贫困户：2" in text.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", COUNTY, "--month", "2019-13"], "月份“2019-13”无效"),
        (["--area", COUNTY, "--month", "2019-11", "--as-of", "2019-11-31"], "日期“2019-11-31”无效"),
        (["--area", "610727999999", "--month", "2019-11"], "不存在"),
        (["--area", "6107", "--month", "2019-11"], "12位区划代码"),
    ],
)
def test_the_command_refuses_bad_arguments(county: County, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("figures", *args)


# --- the API -------------------------------------------------------------------------------------


@pytest.fixture
def api_set(personas: Personas) -> Personas:
    a1 = Area.objects.get(code=A1)
    h1 = household("H1", a1, PovertyStatus.NOT_OUT, 2)
    household("H5", Area.objects.get(code=B1), PovertyStatus.NOT_OUT, 1)
    Pairing.objects.create(cadre=Cadre.objects.get(code="G3"), household=h1, start_date=D(2019, 1, 1))
    return personas


@pytest.mark.parametrize(
    ("persona", "area", "households", "paired"),
    [
        ("county_admin", COUNTY, 2, 1),
        ("county_leader", COUNTY, 2, 1),
        ("office_staff", TOWN_B, 1, 0),
        ("town_official", "", 1, 1),  # its own town by default
    ],
)
def test_area_wide_users_get_the_document_of_their_scope(
    api_set: Personas, persona: str, area: str, households: int, paired: int
) -> None:
    params = {"month": "2019-11"} | ({"area": area} if area else {})
    response = api_set.client(persona).get("/api/figures/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == figures_document(Area.objects.get(code=body["area"]), "2019-11")
    assert body["registry"]["households"] == households
    assert body["duty"]["poor_households_paired"] == paired


@pytest.mark.parametrize(
    ("persona", "area", "status"),
    [
        ("town_official", COUNTY, 403),  # the county is wider than its town
        ("town_official", TOWN_B, 403),
        ("outsider", COUNTY, 403),
        ("paired_cadre", COUNTY, 403),  # not an area-wide role
        ("unit_user", COUNTY, 403),
        ("work_team", A1, 403),
        ("public", COUNTY, 403),
        ("county_admin", "610727999999", 400),
    ],
)
def test_figures_outside_the_scope_are_refused(
    api_set: Personas, persona: str, area: str, status: int
) -> None:
    response = api_set.client(persona).get("/api/figures/", {"area": area, "month": "2019-11"})
    assert response.status_code == status
    assert "registry" not in response.json()


def test_a_bad_month_is_a_400_naming_the_field(api_set: Personas) -> None:
    response = api_set.client("county_admin").get("/api/figures/", {"month": "11/2019"})
    assert response.status_code == 400
    assert "month" in response.json()["errors"]


@pytest.mark.usefixtures("ledger_set")
def test_causes_count_poor_and_exited_households_by_main_cause() -> None:
    Household.objects.filter(code="H5").update(main_cause="no_skills")
    # November: H8 exits and H9 is cancelled only in December, so both are still poor.
    assert document(COUNTY, "2019-11")["causes"] == {
        "因病": {"poor": 4, "exited": 1},
        "缺技术": {"poor": 1, "exited": 0},
    }
    assert document(COUNTY, "2019-12")["causes"] == {
        "因病": {"poor": 2, "exited": 2},
        "缺技术": {"poor": 1, "exited": 0},
    }
    assert document(B1, "2019-11")["causes"] == {"缺技术": {"poor": 1, "exited": 0}}
    assert document(A2, "2019-11")["causes"] == {"因病": {"poor": 2, "exited": 0}}
