"""The web pages, persona by persona: what each role sees, may open and may change."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fupin.areas.models import Area
from fupin.conftest import Personas
from fupin.core import areacode
from fupin.core.models import ChangeLog
from fupin.people.forms import CadreForm
from fupin.people.models import Cadre
from fupin.people.tests.helpers import (
    ALL_AREAS,
    ALL_CADRES,
    ALL_UNITS,
    COUNTY,
    FAST_HASHERS,
    FULL_ID_VIEWERS,
    MANAGERS,
    NON_MANAGERS,
    OTHER_COUNTY,
    OWN_AREA,
    OWN_CADRE,
    STAFF_PERSONAS,
    TOWN_A,
    VILLAGE_A1,
    VILLAGE_B1,
    VISIBLE,
    area_href,
    cadre_href,
    history_section,
    logged_by,
    page,
    unit_href,
)

CONFLICT = "该记录已被他人修改"

STAFF_PAGES = [
    "/areas/",
    "/areas/picker/?q=ly",
    f"/areas/{COUNTY}/",
    f"/areas/{COUNTY}/children/",
    "/units/",
    "/units/U2/",
    "/cadres/",
    "/cadres/G3/",
    "/accounts/",
    "/ledgers/",
    "/ledgers/cadres/template.xlsx",
]


def full_id_allowed(persona: str, code: str) -> bool:
    return persona in FULL_ID_VIEWERS or OWN_CADRE.get(persona) == code


# What each persona's menu offers, by URL name: the pages its role and position open.
_EVERY_STAFF = [
    "home", "areas:tree", "people:unit-list", "people:cadre-list", "registry:household-list",
    "registry:monitoring-list", "duty:coverage", "fieldwork:checkin-mine", "fieldwork:leave-mine",
    "fieldwork:research-list", "fieldwork:diary-list", "rectification:problem-list",
    "rectification:responsibility-list", "rectification:task-list", "rectification:checklist-list",
    "rectification:notices", "api-docs", "training:training-list", "training:exam-list",
    "industry:industry-list", "industry:subsidy-list", "industry:loan-list", "industry:solar-station-list",
    "industry:solar-distribution-list", "industry:solar-publicity", "industry:entity-list",
    "industry:funds", "industry:insurance", "industry:mutual-aid",
]  # fmt: skip
_HAS_CADRE = [
    "training:exam-mine",
    "fieldwork:checkin",
    "fieldwork:compliance-mine",
    "fieldwork:town-stay-mine",
    "fieldwork:reminders",
]
_SEES_BOARD = ["fieldwork:compliance", "fieldwork:checkin-list", "training:coverage"]
_AREA_WIDE = [
    *_SEES_BOARD, "fieldwork:leave-list", "fieldwork:town-stay-board", "rectification:board",
    "rectification:intake-list", "rectification:intake-incoming", "dashboard", "briefing-download",
]  # fmt: skip
_APPROVES = ["fieldwork:leave-approvals", "rectification:poster-list"]
_MANAGES = [
    *_AREA_WIDE, *_APPROVES, "rectification:group-suggestions", "rectification:categories",
    "rectification:webhook-app-list", "ledgers:index", "areas:settings", "training:question-list",
    "briefing-templates",
]  # fmt: skip
NAV = {
    "county_admin": [*_EVERY_STAFF, *_MANAGES, "people:account-list"],
    "office_staff": [*_EVERY_STAFF, *_MANAGES],
    "outsider": [*_EVERY_STAFF, *_MANAGES, "people:account-list"],
    "county_leader": [*_EVERY_STAFF, *_AREA_WIDE, *_HAS_CADRE],
    "town_official": [*_EVERY_STAFF, *_AREA_WIDE, *_APPROVES, *_HAS_CADRE],
    "unit_user": [*_EVERY_STAFF, *_SEES_BOARD],
    "work_team": [*_EVERY_STAFF, *_HAS_CADRE],
    "paired_cadre": [*_EVERY_STAFF, *_HAS_CADRE],
}

# Indicators and key projects (fupin/indicators): the data sets for those who enter or steer, the
# indicator report for the area-wide, the key projects for every staff member.
_INDICATOR_NAV = {
    "county_admin": ["indicators:data-sets", "indicators:report"],
    "office_staff": ["indicators:data-sets", "indicators:report"],
    "outsider": ["indicators:data-sets", "indicators:report"],
    "county_leader": ["indicators:data-sets", "indicators:report"],
    "town_official": ["indicators:data-sets", "indicators:report"],
    "work_team": ["indicators:data-sets"],
}
# Employment (fupin/employment): every staff member; what each sees inside is scoped on the pages.
_EMPLOYMENT_NAV = [
    "employment:laborer-list", "employment:posting-list", "employment:worklist", "employment:training-list",
    "employment:welfare-post-list", "employment:factory-list", "employment:transfer-list",
]  # fmt: skip
for _persona in NAV:
    NAV[_persona] = [
        *NAV[_persona],
        *_INDICATOR_NAV.get(_persona, []),
        "indicators:project-list",
        *_EMPLOYMENT_NAV,
    ]


def nav_links(body: str) -> set[str]:
    return set(re.findall(r'<a class="(?:nav-link|dropdown-item)[^"]*" href="([^"#]+)"', body))


def figures(body: str) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r'data-figure="(\w+)">(\d+)<', body)}


def hrefs_present(body: str, codes: frozenset[str], href: Any) -> set[str]:
    return {code for code in codes if href(code) in body}


def cadre_post_data(cadre: Cadre, **changes: Any) -> dict[str, Any]:
    data = CadreForm.initial_of(cadre)
    data.update(changes)
    return data


def area_post_data(area: Area, **changes: Any) -> dict[str, Any]:
    data = {
        "name": area.name,
        "longitude": "" if area.longitude is None else str(area.longitude),
        "latitude": "" if area.latitude is None else str(area.latitude),
        "version": area.version,
    }
    if area.is_poor_village:
        data["is_poor_village"] = "on"
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """The personas' logins are created per test; a cheap hasher keeps that fast."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


# --- who may open what -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", *STAFF_PAGES])
def test_anonymous_is_sent_to_login(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_public_is_refused_every_page_but_home(personas: Personas, url: str) -> None:
    assert personas.client("public").get(url).status_code == 403


def test_public_home_shows_only_the_public_form_notice(personas: Personas) -> None:
    body = page(personas.client("public"), "/")
    assert "群众问题反映表" in body
    assert nav_links(body) == set()
    assert "data-figure" not in body
    for href in ["/areas/", "/units/", "/cadres/", "/ledgers/", "/accounts/", "/api/docs/"]:
        assert f'href="{href}"' not in body


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_home_figures_and_navigation_follow_the_role(personas: Personas, persona: str) -> None:
    body = page(personas.client(persona), "/")
    seen = VISIBLE[persona]
    levels = [areacode.level_of(code) for code in seen.areas]
    assert figures(body) == {
        "towns": levels.count(areacode.TOWN),
        "villages": levels.count(areacode.VILLAGE),
        "poor_villages": len(seen.areas & {VILLAGE_A1, VILLAGE_B1}),
        "units": len(seen.units),
        "cadres": len(seen.cadres),
    }
    assert nav_links(body) == {reverse(name) for name in NAV[persona]}


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_unit_and_cadre_lists_show_exactly_the_scope(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    units_body = page(client, "/units/")
    cadres_body = page(client, "/cadres/")
    assert hrefs_present(units_body, ALL_UNITS, unit_href) == VISIBLE[persona].units
    assert hrefs_present(cadres_body, ALL_CADRES, cadre_href) == VISIBLE[persona].cadres


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_cadre_list_filters_never_widen_the_scope(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    for params in [{"area": COUNTY}, {"area": OTHER_COUNTY}, {"unit": "U1"}, {"unit": "U9"}, {"q": "G"}]:
        body = page(client, "/cadres/", **params)
        assert hrefs_present(body, ALL_CADRES, cadre_href) <= VISIBLE[persona].cadres, params


@pytest.mark.parametrize(
    ("persona", "root"),
    [
        ("county_admin", COUNTY),
        ("county_leader", COUNTY),
        ("office_staff", COUNTY),
        ("unit_user", COUNTY),
        ("paired_cadre", COUNTY),
        ("town_official", TOWN_A),
        ("work_team", VILLAGE_A1),
        ("outsider", OTHER_COUNTY),
    ],
)
def test_area_tree_starts_at_the_persona_area(personas: Personas, persona: str, root: str) -> None:
    client = personas.client(persona)
    body = page(client, "/areas/")
    assert hrefs_present(body, ALL_AREAS, area_href) == {root}
    children = page(client, reverse("areas:children", args=[root]))
    expected = {c for c in VISIBLE[persona].areas if areacode.parent_code_of(c) == root}
    assert hrefs_present(children, ALL_AREAS, area_href) == expected


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_record_pages_open_only_inside_the_scope(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    seen = VISIBLE[persona]

    def statuses(name: str, codes: frozenset[str]) -> dict[str, int]:
        return {code: client.get(reverse(name, args=[code])).status_code for code in sorted(codes)}

    assert statuses("areas:detail", ALL_AREAS) == {c: 200 if c in seen.areas else 404 for c in ALL_AREAS}
    assert statuses("people:unit-detail", ALL_UNITS) == {
        c: 200 if c in seen.units else 404 for c in ALL_UNITS
    }
    assert statuses("people:cadre-detail", ALL_CADRES) == {
        c: 200 if c in seen.cadres else 404 for c in ALL_CADRES
    }


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("county_admin", {"G3", "G7"}),
        ("unit_user", {"G3", "G7"}),
        ("paired_cadre", {"G3"}),
        ("work_team", {"G7"}),
    ],
)
def test_unit_page_lists_only_the_cadres_in_scope(personas: Personas, persona: str, shown: set[str]) -> None:
    body = page(personas.client(persona), reverse("people:unit-detail", args=["U2"]))
    assert hrefs_present(body, ALL_CADRES, cadre_href) == shown
    # The sub-unit U3 is listed only to those who may open it.
    assert (unit_href("U3") in body) == ("U3" in VISIBLE[persona].units)


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_ledgers_are_for_managers_only(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    expected = 200 if persona in FULL_ID_VIEWERS else 403
    assert client.get("/ledgers/").status_code == expected
    assert client.get(reverse("ledgers:template", args=["cadres"])).status_code == expected
    assert client.get(reverse("ledgers:export", args=["cadres", "csv"])).status_code == expected


# --- ID numbers and phones -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_cadre_list_masks_id_numbers_and_phones(personas: Personas, persona: str) -> None:
    body = page(personas.client(persona), "/cadres/")
    for code in VISIBLE[persona].cadres:
        cadre = Cadre.objects.get(code=code)
        if persona in FULL_ID_VIEWERS:
            assert cadre.id_number in body and cadre.phone in body
        elif OWN_CADRE.get(persona) != code:
            assert cadre.id_number not in body and cadre.phone not in body
            assert cadre.masked_id_number in body and cadre.masked_phone in body


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_cadre_page_shows_full_id_number_only_to_managers_and_the_cadre(
    personas: Personas, persona: str
) -> None:
    client = personas.client(persona)
    for code in VISIBLE[persona].cadres:
        cadre = Cadre.objects.get(code=code)
        body = page(client, reverse("people:cadre-detail", args=[code]))
        shown = re.search(r'data-testid="id-number">([^<]*)<', body)
        assert shown is not None
        if full_id_allowed(persona, code):
            assert shown.group(1) == cadre.id_number
        else:
            assert shown.group(1) == cadre.masked_id_number
            assert cadre.id_number not in body
        # The change log keeps only masked ID numbers, whoever reads it.
        assert cadre.id_number not in history_section(body)


def _phone_cell(body: str) -> str:
    found = re.search(r"<dt[^>]*>手机号码</dt><dd[^>]*>([^<]*)</dd>", body)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("persona", "code"), [("county_leader", "G3"), ("unit_user", "G3"), ("unit_user", "G4")]
)
def test_cadre_page_phone_field_is_masked_for_others(personas: Personas, persona: str, code: str) -> None:
    cadre = Cadre.objects.get(code=code)
    body = page(personas.client(persona), reverse("people:cadre-detail", args=[code]))
    assert _phone_cell(body) == cadre.masked_phone


@pytest.mark.parametrize(
    ("persona", "code"),
    [("county_leader", "G3"), ("unit_user", "G3"), ("unit_user", "G4")],
)
def test_cadre_history_does_not_reveal_full_phone_to_others(
    personas: Personas, persona: str, code: str
) -> None:
    cadre = Cadre.objects.get(code=code)
    body = page(personas.client(persona), reverse("people:cadre-detail", args=[code]))
    assert cadre.phone not in history_section(body)


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("county_leader", "G3"),
        ("unit_user", "G3"),
    ],
)
def test_cadre_page_outside_history_does_not_reveal_full_phone(
    personas: Personas, persona: str, code: str
) -> None:
    cadre = Cadre.objects.get(code=code)
    body = page(personas.client(persona), reverse("people:cadre-detail", args=[code]))
    assert cadre.phone not in body.split("变更记录", 1)[0]


# --- area writes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_edit_an_area_on_its_page(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    area = Area.objects.get(code=VILLAGE_A1)
    response = client.post(
        reverse("areas:detail", args=[VILLAGE_A1]),
        area_post_data(area, name="黄家坝新村", longitude="106.15", latitude="33.33"),
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, str(area.longitude), area.version) == ("黄家坝新村", "106.150000", 2)
    assert "huangjiabaxincun" in area.search_key
    assert logged_by("areas.area", area.pk, persona)
    history = history_section(page(client, reverse("areas:detail", args=[VILLAGE_A1])))
    assert persona in history and "黄家坝新村" in history


@pytest.mark.parametrize("persona", NON_MANAGERS)
def test_others_cannot_edit_an_area_on_its_page(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    code = OWN_AREA[persona]
    url = reverse("areas:detail", args=[code])
    assert 'name="version"' not in page(client, url)  # no edit form offered
    area = Area.objects.get(code=code)
    logs = ChangeLog.objects.count()
    assert client.post(url, area_post_data(area, name="被改名")).status_code == 403
    area.refresh_from_db()
    assert area.name != "被改名" and area.version == 1
    assert ChangeLog.objects.count() == logs


def test_outsider_cannot_edit_the_county_area(personas: Personas) -> None:
    area = Area.objects.get(code=COUNTY)
    response = personas.client("outsider").post(
        reverse("areas:detail", args=[COUNTY]), area_post_data(area, name="被改名")
    )
    assert response.status_code == 404
    area.refresh_from_db()
    assert area.name == "略阳县"


def test_stale_area_form_is_refused_and_keeps_the_first_change(personas: Personas) -> None:
    url = reverse("areas:detail", args=[TOWN_A])
    stale = area_post_data(Area.objects.get(code=TOWN_A))
    first = personas.client("county_admin").post(url, stale | {"name": "兴州镇"})
    assert first.status_code == 302
    second = personas.client("office_staff").post(url, stale | {"name": "兴州乡"})
    assert second.status_code == 200
    assert CONFLICT in second.content.decode()
    area = Area.objects.get(code=TOWN_A)
    assert (area.name, area.version) == ("兴州镇", 2)
    assert not logged_by("areas.area", area.pk, "office_staff")


# --- cadre writes --------------------------------------------------------------------------------

CADRE_PAGE_EDITS = [
    # persona, cadre, changes, field -> expected value afterwards
    ("county_admin", "G3", {"title": "副局长"}, {"title": "副局长"}),
    ("office_staff", "G6", {"name": "吴主任", "unit_code": "U4"}, {"name": "吴主任", "unit__code": "U4"}),
    ("town_official", "G5", {"title": "镇长"}, {"title": "镇长"}),
    ("unit_user", "G4", {"title": "高级农艺师"}, {"title": "高级农艺师"}),
    ("unit_user", "G3", {"unit_code": "U3"}, {"unit__code": "U3"}),
    ("outsider", "G9", {"title": "局长"}, {"title": "局长"}),
]


@pytest.mark.parametrize(("persona", "code", "changes", "expected"), CADRE_PAGE_EDITS)
def test_cadre_page_edits_in_scope_are_saved_and_logged(
    personas: Personas, persona: str, code: str, changes: dict[str, str], expected: dict[str, str]
) -> None:
    client = personas.client(persona)
    url = reverse("people:cadre-detail", args=[code])
    assert 'name="name"' in page(client, url)  # the full edit form is offered
    response = client.post(url, cadre_post_data(Cadre.objects.get(code=code), **changes))
    assert response.status_code == 302
    cadre = Cadre.objects.filter(code=code).values(*expected, "version").get()
    assert cadre == {**expected, "version": 2}
    pk = Cadre.objects.get(code=code).pk
    assert logged_by("people.cadre", pk, persona)
    assert persona in history_section(page(client, url))


@pytest.mark.parametrize(("persona", "code"), [("paired_cadre", "G3"), ("work_team", "G7")])
def test_a_cadre_changes_only_their_own_phone_on_the_page(
    personas: Personas, persona: str, code: str
) -> None:
    client = personas.client(persona)
    url = reverse("people:cadre-detail", args=[code])
    body = page(client, url)
    assert 'name="phone"' in body
    for field in ["name", "unit_code", "title", "categories"]:
        assert f'name="{field}"' not in body
    before = Cadre.objects.get(code=code)
    response = client.post(
        url, {"phone": "13912345678", "name": "改名", "title": "局长", "version": before.version}
    )
    assert response.status_code == 302
    after = Cadre.objects.get(code=code)
    assert after.phone == "13912345678"
    assert (after.name, after.title, after.version) == (before.name, before.title, 2)
    assert logged_by("people.cadre", after.pk, persona)
    assert persona in history_section(page(client, url))


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("county_leader", "G3", 403),
        ("paired_cadre", "G4", 404),
        ("work_team", "G3", 404),
        ("town_official", "G3", 404),
        ("unit_user", "G1", 404),
        ("outsider", "G3", 404),
    ],
)
def test_cadre_page_refuses_edits_outside_the_role(
    personas: Personas, persona: str, code: str, status: int
) -> None:
    client = personas.client(persona)
    url = reverse("people:cadre-detail", args=[code])
    if status == 403:
        assert 'name="phone"' not in page(client, url)  # no form at all
    before = Cadre.objects.get(code=code)
    logs = ChangeLog.objects.count()
    response = client.post(url, cadre_post_data(before, title="被修改", phone="13912345678"))
    assert response.status_code == status
    after = Cadre.objects.get(code=code)
    assert (after.title, after.phone, after.version) == (before.title, before.phone, before.version)
    assert ChangeLog.objects.count() == logs


@pytest.mark.parametrize(("persona", "code"), [("unit_user", "G3"), ("town_official", "G5")])
def test_cadre_page_refuses_moving_a_cadre_out_of_reach(personas: Personas, persona: str, code: str) -> None:
    client = personas.client(persona)
    before = Cadre.objects.select_related("unit").get(code=code)
    response = client.post(
        reverse("people:cadre-detail", args=[code]), cadre_post_data(before, unit_code="U1")
    )
    assert response.status_code in {200, 403}
    if response.status_code == 200:
        assert "不在您的管辖范围内" in response.content.decode()
    after = Cadre.objects.select_related("unit").get(code=code)
    assert (after.unit.code, after.version) == (before.unit.code, before.version)


def test_stale_cadre_form_is_refused_and_keeps_the_first_change(personas: Personas) -> None:
    url = reverse("people:cadre-detail", args=["G3"])
    stale = cadre_post_data(Cadre.objects.get(code="G3"))
    assert personas.client("county_admin").post(url, stale | {"title": "第一次"}).status_code == 302
    second = personas.client("office_staff").post(url, stale | {"title": "第二次"})
    assert second.status_code == 200
    assert CONFLICT in second.content.decode()
    cadre = Cadre.objects.get(code="G3")
    assert (cadre.title, cadre.version) == ("第一次", 2)
    assert logged_by("people.cadre", cadre.pk, "county_admin")
    assert not logged_by("people.cadre", cadre.pk, "office_staff")


def test_stale_own_phone_form_is_refused(personas: Personas) -> None:
    url = reverse("people:cadre-detail", args=["G3"])
    version = Cadre.objects.get(code="G3").version
    assert (
        personas.client("unit_user")
        .post(url, cadre_post_data(Cadre.objects.get(code="G3"), phone="13700000001"))
        .status_code
        == 302
    )
    second = personas.client("paired_cadre").post(url, {"phone": "13912345678", "version": version})
    assert CONFLICT in second.content.decode()
    assert Cadre.objects.get(code="G3").phone == "13700000001"


# --- area picker ---------------------------------------------------------------------------------


def picker_codes(client: Client, query: str) -> set[str]:
    return set(re.findall(r'data-code="(\d{12})"', page(client, "/areas/picker/", q=query)))


@pytest.mark.parametrize("persona", ["county_admin", "county_leader", "office_staff"])
@pytest.mark.parametrize("query", ["略阳", "lueyang", "ly", "LY"])
def test_picker_finds_the_county_by_name_pinyin_and_initials(
    personas: Personas, persona: str, query: str
) -> None:
    codes = picker_codes(personas.client(persona), query)
    assert COUNTY in codes
    assert codes <= VISIBLE[persona].areas


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
@pytest.mark.parametrize("query", ["略阳", "ly", "6107", "村", "cun"])
def test_picker_never_returns_areas_outside_the_scope(personas: Personas, persona: str, query: str) -> None:
    assert picker_codes(personas.client(persona), query) <= VISIBLE[persona].areas


def test_picker_for_a_town_and_the_outsider(personas: Personas) -> None:
    assert picker_codes(personas.client("town_official"), "略阳") == set()
    assert picker_codes(personas.client("town_official"), "xzjd") == {TOWN_A}
    assert picker_codes(personas.client("outsider"), "略阳") == set()
    assert picker_codes(personas.client("outsider"), "nq") == {OTHER_COUNTY}


def test_public_home_links_each_village_to_its_problem_form(personas: Personas) -> None:
    body = page(personas.client("public"), "/")
    forms = re.findall(r'href="(/p/[^"/]+/)"', body)
    assert len(forms) == 4  # the persona county's four villages
    assert personas.client("public").get(forms[0]).status_code == 200
    assert 'href="/p/track/"' in body
