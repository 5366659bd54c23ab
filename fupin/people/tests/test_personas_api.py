"""The unit and cadre API, persona by persona: scope of reads, masking, and the policy of writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fupin.conftest import Personas
from fupin.core.models import ChangeLog
from fupin.people.models import Cadre
from fupin.people.tests.helpers import (
    ALL_CADRES,
    ALL_UNITS,
    COUNTY,
    FAST_HASHERS,
    FULL_ID_VIEWERS,
    OTHER_COUNTY,
    OWN_CADRE,
    STAFF_PERSONAS,
    TOWN_A,
    VISIBLE,
    api_codes,
    api_results,
    logged_by,
    new_id_number,
    patch_json,
    post_json,
)

READ_ENDPOINTS = [
    "/api/areas/",
    "/api/areas/search/?q=ly",
    f"/api/areas/{COUNTY}/",
    "/api/units/",
    "/api/units/U2/",
    "/api/cadres/",
    "/api/cadres/G3/",
    "/api/schema/",
    "/api/docs/",
]
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("patch", f"/api/areas/{COUNTY}/", {"name": "改名", "version": 1}),
    ("patch", "/api/cadres/G3/", {"title": "改", "version": 1}),
    ("post", "/api/cadres/", {}),
]


def new_cadre(unit_code: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": "GN1",
        "name": "王新",
        "id_number": new_id_number(500),
        "phone": "13911112222",
        "unit_code": unit_code,
        "title": "科员",
        "categories": ["paired_cadre"],
        **extra,
    }


def send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return patch_json(client, url, data) if method == "patch" else post_json(client, url, data)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """The personas' logins are created per test; a cheap hasher keeps that fast."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


# --- who may call at all -------------------------------------------------------------------------


@pytest.mark.parametrize("url", READ_ENDPOINTS)
def test_anonymous_api_reads_are_refused(db: None, url: str) -> None:
    assert Client().get(url).status_code in {401, 403}


@pytest.mark.parametrize(
    "url",
    [
        *READ_ENDPOINTS,
    ],
)
def test_public_api_reads_are_refused(personas: Personas, url: str) -> None:
    assert personas.client("public").get(url).status_code == 403


@pytest.mark.parametrize(("method", "url", "data"), WRITES)
@pytest.mark.parametrize("who", ["anonymous", "public"])
def test_anonymous_and_public_api_writes_are_refused(
    personas: Personas, who: str, method: str, url: str, data: dict[str, Any]
) -> None:
    client = Client() if who == "anonymous" else personas.client("public")
    logs = ChangeLog.objects.count()
    payload = data or new_cadre("U1")
    response = send(client, method, url, payload)
    assert response.status_code in ({401, 403} if who == "anonymous" else {403})
    assert ChangeLog.objects.count() == logs
    assert not Cadre.objects.filter(code="GN1").exists()


# --- reads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_unit_and_cadre_lists_hold_exactly_the_scope(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    assert api_codes(client, "/api/units/") == VISIBLE[persona].units
    assert api_codes(client, "/api/cadres/") == VISIBLE[persona].cadres


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_unit_and_cadre_details_open_only_inside_the_scope(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    units = {code: client.get(reverse("api-unit-detail", args=[code])).status_code for code in ALL_UNITS}
    cadres = {code: client.get(reverse("api-cadre-detail", args=[code])).status_code for code in ALL_CADRES}
    assert units == {c: 200 if c in VISIBLE[persona].units else 404 for c in ALL_UNITS}
    assert cadres == {c: 200 if c in VISIBLE[persona].cadres else 404 for c in ALL_CADRES}


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
@pytest.mark.parametrize(
    "params",
    [
        {"area": COUNTY},
        {"area": OTHER_COUNTY},
        {"area": TOWN_A},
        {"unit": "U1"},
        {"unit": "U9"},
        {"q": "G"},
        {"category": "paired_cadre"},
    ],
)
def test_cadre_filters_never_widen_the_scope(
    personas: Personas, persona: str, params: dict[str, str]
) -> None:
    assert api_codes(personas.client(persona), "/api/cadres/", **params) <= VISIBLE[persona].cadres


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
@pytest.mark.parametrize("params", [{"q": "U"}, {"q": "县"}, {"kind": "sector_dept"}])
def test_unit_filters_never_widen_the_scope(personas: Personas, persona: str, params: dict[str, str]) -> None:
    assert api_codes(personas.client(persona), "/api/units/", **params) <= VISIBLE[persona].units


def test_cadre_filters_narrow_within_the_scope(personas: Personas) -> None:
    client = personas.client("county_admin")
    assert api_codes(client, "/api/cadres/", area=TOWN_A) == {"G5"}
    assert api_codes(client, "/api/cadres/", unit="U2") == {"G3", "G7"}
    assert api_codes(client, "/api/cadres/", category="first_secretary") == {"G7"}
    assert api_codes(client, "/api/cadres/", area=OTHER_COUNTY) == set()
    assert api_codes(personas.client("outsider"), "/api/cadres/", area=COUNTY) == set()


def test_sub_unit_inherits_the_county_area(personas: Personas) -> None:
    rows = {row["code"]: row for row in api_results(personas.client("county_admin"), "/api/units/")}
    assert rows["U3"]["parent_code"] == "U2"
    assert rows["U3"]["area_code"] == COUNTY


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_id_numbers_and_phones_are_masked_unless_manager_or_own(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    for row in api_results(client, "/api/cadres/"):
        cadre = Cadre.objects.get(code=row["code"])
        detail = client.get(reverse("api-cadre-detail", args=[cadre.code])).json()
        for shown in (row, detail):
            if persona in FULL_ID_VIEWERS or OWN_CADRE.get(persona) == cadre.code:
                assert (shown["id_number"], shown["phone"]) == (cadre.id_number, cadre.phone)
            else:
                assert (shown["id_number"], shown["phone"]) == (cadre.masked_id_number, cadre.masked_phone)
                assert shown["id_number"].startswith("610727********")


# --- cadre updates -------------------------------------------------------------------------------

ALLOWED_PATCHES = [
    # persona, cadre, changes, expected values afterwards
    ("county_admin", "G3", {"title": "副局长"}, {"title": "副局长"}),
    ("county_admin", "G3", {"unit_code": "U1"}, {"unit__code": "U1"}),
    ("office_staff", "G6", {"name": "吴主任"}, {"name": "吴主任"}),
    ("office_staff", "G4", {"categories": ["team_leader"]}, {"categories": ",team_leader,"}),
    ("town_official", "G5", {"title": "镇长"}, {"title": "镇长"}),
    ("unit_user", "G4", {"title": "高级农艺师"}, {"title": "高级农艺师"}),
    ("unit_user", "G3", {"unit_code": "U3"}, {"unit__code": "U3"}),
    ("paired_cadre", "G3", {"phone": "13912345678"}, {"phone": "13912345678"}),
    ("work_team", "G7", {"phone": "13912345678"}, {"phone": "13912345678"}),
    ("town_official", "G5", {"phone": "13912345678"}, {"phone": "13912345678"}),
    ("outsider", "G9", {"title": "局长"}, {"title": "局长"}),
]


@pytest.mark.parametrize(("persona", "code", "changes", "expected"), ALLOWED_PATCHES)
def test_allowed_cadre_patches_are_saved_and_logged(
    personas: Personas, persona: str, code: str, changes: dict[str, Any], expected: dict[str, Any]
) -> None:
    url = reverse("api-cadre-detail", args=[code])
    response = patch_json(personas.client(persona), url, {**changes, "version": 1})
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert Cadre.objects.filter(code=code).values(*expected).get() == expected
    cadre = Cadre.objects.get(code=code)
    assert cadre.version == 2
    entry = ChangeLog.objects.filter(object_type="people.cadre", object_id=cadre.pk).first()
    assert entry is not None and entry.actor_name == persona and entry.source == "api"


REFUSED_PATCHES = [
    # persona, cadre, changes, acceptable statuses
    ("county_leader", "G3", {"title": "改"}, {403}),
    ("county_leader", "G6", {"phone": "13912345678"}, {403}),
    ("paired_cadre", "G3", {"name": "孙某"}, {403}),
    ("paired_cadre", "G3", {"name": "孙某", "phone": "13912345678"}, {403}),
    ("work_team", "G7", {"title": "队长"}, {403}),
    ("work_team", "G7", {"unit_code": "U2"}, {403}),
    ("paired_cadre", "G4", {"phone": "13912345678"}, {403, 404}),
    ("town_official", "G3", {"title": "改"}, {403, 404}),
    ("town_official", "G5", {"unit_code": "U5"}, {400, 403}),
    ("unit_user", "G1", {"title": "改"}, {403, 404}),
    ("unit_user", "G3", {"unit_code": "U1"}, {400, 403}),
    ("unit_user", "G3", {"unit_code": "U9"}, {400, 403}),
    ("county_admin", "G3", {"unit_code": "U9"}, {400, 403}),
    ("outsider", "G3", {"phone": "13912345678"}, {403, 404}),
    ("county_admin", "G3", {"phone": "12345"}, {400}),
    ("county_admin", "G3", {"categories": []}, {400}),
]


@pytest.mark.parametrize(("persona", "code", "changes", "statuses"), REFUSED_PATCHES)
def test_refused_cadre_patches_change_nothing(
    personas: Personas, persona: str, code: str, changes: dict[str, Any], statuses: set[int]
) -> None:
    before = Cadre.objects.filter(code=code).values().get()
    logs = ChangeLog.objects.count()
    url = reverse("api-cadre-detail", args=[code])
    response = patch_json(personas.client(persona), url, {**changes, "version": 1})
    assert response.status_code in statuses
    assert Cadre.objects.filter(code=code).values().get() == before
    assert ChangeLog.objects.count() == logs


def test_unit_user_moving_a_cadre_into_another_unit_gets_403(personas: Personas) -> None:
    response = patch_json(personas.client("unit_user"), "/api/cadres/G3/", {"unit_code": "U1", "version": 1})
    assert response.status_code == 403


def test_stale_cadre_patch_gets_409_and_keeps_the_first_change(personas: Personas) -> None:
    url = reverse("api-cadre-detail", args=["G3"])
    version = personas.client("office_staff").get(url).json()["version"]
    first = patch_json(personas.client("county_admin"), url, {"title": "第一次", "version": version})
    assert first.status_code == 200
    second = patch_json(personas.client("office_staff"), url, {"title": "第二次", "version": version})
    assert second.status_code == 409
    assert "该记录已被他人修改" in second.json()["detail"]
    cadre = Cadre.objects.get(code="G3")
    assert (cadre.title, cadre.version) == ("第一次", version + 1)
    assert logged_by("people.cadre", cadre.pk, "county_admin")
    assert not logged_by("people.cadre", cadre.pk, "office_staff")


def test_stale_own_phone_patch_gets_409(personas: Personas) -> None:
    url = reverse("api-cadre-detail", args=["G3"])
    assert patch_json(personas.client("unit_user"), url, {"title": "改", "version": 1}).status_code == 200
    response = patch_json(personas.client("paired_cadre"), url, {"phone": "13912345678", "version": 1})
    assert response.status_code == 409
    assert Cadre.objects.get(code="G3").phone == personas.cadres["agri_cadre"].phone


def test_cadre_patch_without_version_is_rejected(personas: Personas) -> None:
    response = patch_json(personas.client("county_admin"), "/api/cadres/G3/", {"title": "改"})
    assert response.status_code == 400
    assert Cadre.objects.get(code="G3").title == ""


# --- cadre creation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "unit"), [("office_staff", "U1"), ("county_admin", "U5")])
def test_managers_create_cadres_in_their_county(personas: Personas, persona: str, unit: str) -> None:
    response = post_json(personas.client(persona), "/api/cadres/", new_cadre(unit))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["code"], body["unit_code"], body["id_number"]) == ("GN1", unit, new_id_number(500))
    cadre = Cadre.objects.get(code="GN1")
    assert cadre.unit.code == unit and cadre.category_list == ["paired_cadre"]
    assert ChangeLog.objects.filter(
        object_type="people.cadre", object_id=cadre.pk, action="create", actor_name=persona
    ).exists()
    assert "GN1" in api_codes(personas.client("county_leader"), "/api/cadres/")
    assert "GN1" not in api_codes(personas.client("outsider"), "/api/cadres/")


@pytest.mark.parametrize(
    ("persona", "payload", "statuses"),
    [
        ("county_leader", new_cadre("U1"), {403}),
        ("paired_cadre", new_cadre("U2"), {403}),
        ("work_team", new_cadre("U2"), {403}),
        ("office_staff", new_cadre("U9"), {400, 403}),
        ("county_admin", new_cadre("U9"), {400, 403}),
        ("unit_user", new_cadre("U1"), {400, 403}),
        ("town_official", new_cadre("U5"), {400, 403}),
        ("outsider", new_cadre("U1"), {400, 403}),
        ("office_staff", new_cadre("U1", id_number="610727198001010000"), {400}),
        ("office_staff", new_cadre("U1", categories=[]), {400}),
    ],
)
def test_refused_cadre_creation_creates_nothing(
    personas: Personas, persona: str, payload: dict[str, Any], statuses: set[int]
) -> None:
    logs = ChangeLog.objects.count()
    response = post_json(personas.client(persona), "/api/cadres/", payload)
    assert response.status_code in statuses
    assert not Cadre.objects.filter(code="GN1").exists()
    assert ChangeLog.objects.count() == logs


def test_duplicate_id_number_is_refused(personas: Personas) -> None:
    taken = personas.cadres["agri_cadre"].id_number
    response = post_json(personas.client("office_staff"), "/api/cadres/", new_cadre("U1", id_number=taken))
    assert response.status_code == 400
    assert "id_number" in response.json()["errors"]
    assert not Cadre.objects.filter(code="GN1").exists()


def test_duplicate_cadre_code_is_refused_with_400(personas: Personas) -> None:
    client = personas.client("office_staff")
    client.raise_request_exception = False
    logs = ChangeLog.objects.count()
    response = post_json(client, "/api/cadres/", new_cadre("U1", code="G3"))
    assert Cadre.objects.get(code="G3").name == "孙科员"
    assert ChangeLog.objects.count() == logs
    assert response.status_code == 400
