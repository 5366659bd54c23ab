"""The duty pages, persona by persona: the coverage board and its exports, responsibility lists,
and the forms that add and end pairings and work-team members."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from fupin.core.models import ChangeLog
from fupin.duty.models import Pairing, TeamRole, WorkTeamMember
from fupin.duty.tests.conftest import D, Duty
from fupin.people.tests.helpers import STAFF_PERSONAS
from fupin.registry.file_sections import file_sections

AS_OF = "2020-01-01"


def figures(body: str) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r'data-figure="(\w+)">(\d+)<', body)}


@pytest.fixture
def chain(duty: Duty) -> Duty:
    c = duty.county
    duty.pair("G3", "H1", D(2019, 1, 1))
    duty.pair("G4", "H4", D(2019, 1, 1))
    duty.team("G7", c.village_a1, TeamRole.FIRST_SECRETARY)
    duty.unit_village(c.agriculture, c.village_a1)
    return duty


# -- the coverage board --------------------------------------------------------------------------
COVERAGE = {
    # unpaired poor: H2 (A1), H6 (A2) in town A; every county unit but U2 helps no village.
    "county_admin": {"households": 2, "villages": 1, "units": 4, "cadres": 0, "load_limit": 5},
    "county_leader": {"households": 2, "villages": 1, "units": 4, "cadres": 0, "load_limit": 5},
    "office_staff": {"households": 2, "villages": 1, "units": 4, "cadres": 0, "load_limit": 5},
    "town_official": {"households": 2, "villages": 0, "units": 1, "cadres": 0, "load_limit": 5},
    # A unit user reaches A1 (its unit's village) and G3's and G4's households: all paired but H2.
    "unit_user": {"households": 1, "villages": 1, "units": 1, "cadres": 0, "load_limit": 5},
    "work_team": {"households": 1, "villages": 0, "units": 0, "cadres": 0, "load_limit": 5},
    "paired_cadre": {"households": 0, "villages": 1, "units": 0, "cadres": 0, "load_limit": 5},
    "outsider": {"households": 0, "villages": 0, "units": 1, "cadres": 0, "load_limit": 5},
}


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_the_coverage_board_of_each_persona(chain: Duty, persona: str) -> None:
    response = chain.personas.client(persona).get("/coverage/", {"as_of": AS_OF})
    assert response.status_code == 200
    body = response.content.decode()
    assert figures(body) == COVERAGE[persona]
    assert 'href="/coverage/"' in body  # the nav item


def test_the_board_lists_what_it_counts_and_filters_by_area(chain: Duty) -> None:
    client = chain.personas.client("county_admin")
    body = client.get("/coverage/", {"as_of": AS_OF}).content.decode()
    assert "户主H2" in body and "户主H6" in body and "户主H1" not in body
    assert "青岗坪村" in body  # B1, a poor village without a first secretary
    town_b = client.get("/coverage/", {"as_of": AS_OF, "area": "610727101000"}).content.decode()
    assert figures(town_b)["households"] == 0 and figures(town_b)["villages"] == 1
    # An area outside the scope is ignored, not shown.
    outside = chain.personas.client("town_official").get(
        "/coverage/", {"area": "610727101000", "as_of": AS_OF}
    )
    assert figures(outside.content.decode())["households"] == 2


@pytest.mark.parametrize("persona", ["public"])
def test_the_public_may_not_open_duty_pages(chain: Duty, persona: str) -> None:
    client = chain.personas.client(persona)
    for url in (
        "/coverage/",
        "/coverage/households.xlsx",
        "/duty/cadres/G3/",
        "/duty/units/U2/",
        "/duty/pairings/",
    ):
        assert client.get(url).status_code == 403, url
    assert 'href="/coverage/"' not in client.get("/").content.decode()


def test_anonymous_users_are_sent_to_log_in(chain: Duty) -> None:
    response = Client().get("/coverage/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("panel", ["households", "villages", "units", "cadres"])
def test_each_list_exports_to_excel(chain: Duty, panel: str) -> None:
    response = chain.personas.client("county_admin").get(f"/coverage/{panel}.xlsx", {"as_of": AS_OF})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="coverage-{panel}-2020-01-01.xlsx"'
    rows = [
        list(r) for r in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    ]
    expected = {
        "households": [
            ["户编号", "户主姓名", "所在村", "区划代码", "脱贫属性"],
            ["H2", "户主H2", "黄家坝村", "610727100200", "返贫"],
            ["H6", "户主H6", "石门沟村", "610727100201", "未脱贫"],
        ],
        "villages": [["区划代码", "村名", "所属乡镇"], ["610727101200", "青岗坪村", "接官亭镇"]],
        "units": [["单位编码", "单位名称", "单位类型"]] + [[c, None, None] for c in ("U1", "U3", "U4", "U5")],
        "cadres": None,
    }[panel]
    if panel == "units":
        assert [r[0] for r in rows] == [r[0] for r in expected]
    elif panel == "cadres":
        assert rows[0] == ["干部编号", "姓名", "单位", "帮扶户数", "是否超限"]
        assert rows[1][0] in {"G3", "G4"} and rows[1][3] == 1
    else:
        assert rows == expected
    assert chain.personas.client("county_admin").get("/coverage/nope.xlsx").status_code == 404


# -- responsibility lists ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "cadre", "status"),
    [
        ("county_admin", "G3", 200),
        ("paired_cadre", "G3", 200),  # its own
        ("paired_cadre", "G4", 404),
        ("unit_user", "G4", 200),  # sub-unit's cadre
        ("town_official", "G3", 404),
        ("outsider", "G3", 404),
    ],
)
def test_who_opens_a_cadres_list(chain: Duty, persona: str, cadre: str, status: int) -> None:
    response = chain.personas.client(persona).get(f"/duty/cadres/{cadre}/", {"as_of": AS_OF})
    assert response.status_code == status


def test_a_cadres_list_shows_its_households(chain: Duty) -> None:
    body = chain.personas.client("paired_cadre").get("/duty/cadres/G3/", {"as_of": AS_OF}).content.decode()
    assert figures(body) == {"towns": 0, "teams": 0, "households": 1}
    assert "户主H1" in body
    secretary = chain.personas.client("work_team").get("/duty/cadres/G7/", {"as_of": AS_OF}).content.decode()
    assert figures(secretary)["teams"] == 1 and "黄家坝村" in secretary


def test_a_units_list(chain: Duty) -> None:
    body = chain.personas.client("unit_user").get("/duty/units/U2/", {"as_of": AS_OF}).content.decode()
    assert figures(body) == {"villages": 1, "team_members": 1, "paired_households": 1}
    assert "户主H1" in body
    assert chain.personas.client("paired_cadre").get("/duty/units/U3/").status_code == 404


# -- adding and ending ---------------------------------------------------------------------------
def test_a_manager_adds_a_pairing(chain: Duty) -> None:
    client = chain.personas.client("office_staff")
    assert client.get("/duty/pairings/new/").status_code == 200
    response = client.post(
        "/duty/pairings/new/", {"cadre_code": "G5", "household_code": "H2", "start_date": "2020-01-01"}
    )
    assert response.status_code == 302
    pairing = Pairing.objects.get(cadre__code="G5")
    assert (pairing.household.code, pairing.start_date, pairing.end_date) == ("H2", D(2020, 1, 1), None)
    entry = ChangeLog.objects.get(object_type="duty.pairing", object_id=pairing.pk)
    assert (entry.actor_name, entry.source) == ("office_staff", "web")


def test_a_refused_pairing_shows_why_and_writes_nothing(chain: Duty) -> None:
    client = chain.personas.client("office_staff")
    before = Pairing.objects.count()
    body = client.post(
        "/duty/pairings/new/", {"cadre_code": "G3", "household_code": "H1", "start_date": "2019-05-01"}
    ).content.decode()
    assert "该干部与该户的结对时段与另一结对重叠" in body
    body = client.post(
        "/duty/pairings/new/", {"cadre_code": "G404", "household_code": "H5", "start_date": "2019-05-01"}
    ).content.decode()
    assert "干部编号不存在" in body
    body = client.post(
        "/duty/pairings/new/", {"cadre_code": "G3", "household_code": "H5", "start_date": "2019-05-01"}
    ).content.decode()
    assert "H5 已注销" in body
    # A town official cannot reach a household of the other town.
    body = (
        chain.personas.client("town_official")
        .post("/duty/pairings/new/", {"cadre_code": "G3", "household_code": "H4", "start_date": "2020-05-01"})
        .content.decode()
    )
    assert "户编号不存在或不在您的管辖范围内" in body
    assert Pairing.objects.count() == before


@pytest.mark.parametrize("persona", ["county_leader", "unit_user", "work_team", "paired_cadre"])
def test_who_may_not_assign_gets_403_and_nothing_changes(chain: Duty, persona: str) -> None:
    client = chain.personas.client(persona)
    changes = ChangeLog.objects.count()
    assert client.get("/duty/pairings/new/").status_code == 403
    assert (
        client.post(
            "/duty/pairings/new/", {"cadre_code": "G3", "household_code": "H2", "start_date": "2020-01-01"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/duty/pairings/G3/H1/2019-01-01/end/", {"end_date": "2020-01-01", "version": 1}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/duty/work-teams/new/",
            {
                "village_code": "610727100201",
                "cadre_code": "G5",
                "role": "member",
                "start_date": "2020-01-01",
            },
        ).status_code
        == 403
    )
    assert ChangeLog.objects.count() == changes
    assert Pairing.objects.filter(end_date__isnull=False).count() == 0
    # The lists are readable; no add button is offered.
    body = client.get("/duty/pairings/", {"all": "1"}).content.decode()
    assert "新增结对" not in body and "/end/" not in body


def test_ending_a_pairing_and_a_stale_version(chain: Duty) -> None:
    client = chain.personas.client("town_official")
    url = "/duty/pairings/G3/H1/2019-01-01/end/"
    listing = client.get("/duty/pairings/").content.decode()
    assert f'href="{url}"' in listing
    # Someone else changed it after the form was read (version 1 → 2).
    pairing = Pairing.objects.get(cadre__code="G3")
    Pairing.objects.filter(pk=pairing.pk).update(version=2)
    body = client.post(url, {"end_date": "2020-01-31", "version": 1}).content.decode()
    assert "该记录已被他人修改" in body
    assert Pairing.objects.get(pk=pairing.pk).end_date is None
    response = client.post(url, {"end_date": "2020-01-31", "version": 2})
    assert response.status_code == 302
    assert Pairing.objects.get(pk=pairing.pk).end_date == D(2020, 1, 31)
    body = client.post(url, {"end_date": "2020-02-01", "version": 3}).content.decode()
    assert "已于2020-01-31结束" in body
    # The other town's pairing is not there to end.
    assert client.get("/duty/pairings/G4/H4/2019-01-01/end/").status_code == 404
    assert client.get("/duty/pairings/G3/H1/not-a-date/end/").status_code == 404


def test_adding_and_ending_a_work_team_member(chain: Duty) -> None:
    client = chain.personas.client("county_admin")
    body = client.post(
        "/duty/work-teams/new/",
        {
            "village_code": "610727100200",
            "cadre_code": "G3",
            "role": "first_secretary",
            "start_date": "2020-01-01",
        },
    ).content.decode()
    assert "该村同期已有第一书记郑书记（G7）" in body
    response = client.post(
        "/duty/work-teams/new/",
        {
            "village_code": "610727101200",
            "cadre_code": "G3",
            "role": "first_secretary",
            "start_date": "2020-01-01",
        },
    )
    assert response.status_code == 302
    member = WorkTeamMember.objects.get(cadre__code="G3")
    assert (member.village.code, member.role, member.sending_unit.code) == (
        "610727101200",
        "first_secretary",
        "U2",
    )
    url = "/duty/work-teams/610727101200/G3/2020-01-01/end/"
    assert f'href="{url}"' in client.get("/duty/work-teams/").content.decode()
    assert client.post(url, {"end_date": "2019-12-31", "version": 1}).status_code == 200  # before the start
    assert WorkTeamMember.objects.get(pk=member.pk).end_date is None
    assert client.post(url, {"end_date": "2020-06-30", "version": 1}).status_code == 302
    assert WorkTeamMember.objects.get(pk=member.pk).end_date == D(2020, 6, 30)


# -- the household file --------------------------------------------------------------------------
def test_the_household_file_has_a_helpers_section(chain: Duty) -> None:
    section = next(s for s in file_sections() if s.key == "helpers")
    assert (section.title, section.template) == ("帮扶责任人", "duty/_household_helpers.html")
    context = section.context(chain.scope("county_leader"), chain.households["H1"])
    assert [(h.cadre_code, h.phone) for h in context["helpers"]] == [("G3", "138****0003")]
    from django.template.loader import render_to_string

    html = render_to_string(section.template, context)
    assert "孙科员" in html and "138****0003" in html and "在帮" in html
    assert "尚未安排帮扶责任人" in render_to_string(section.template, {"helpers": []})


@pytest.mark.parametrize(
    ("persona", "phone"), [("paired_cadre", "13800000003"), ("county_leader", "138****0003")]
)
def test_the_household_page_shows_its_helpers(chain: Duty, persona: str, phone: str) -> None:
    response = chain.personas.client(persona).get("/households/H1/")
    assert response.status_code == 200
    section = response.content.decode().split("帮扶责任人", 1)[1]
    assert "孙科员" in section and phone in section
