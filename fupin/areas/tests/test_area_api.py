"""The area API, persona by persona: lists, details, the picker's search, and managers' edits."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fupin.areas.models import Area
from fupin.conftest import Personas
from fupin.core.models import ChangeLog
from fupin.people.tests.helpers import (
    ALL_AREAS,
    COUNTY,
    FAST_HASHERS,
    MANAGERS,
    OTHER_COUNTY,
    OWN_AREA,
    STAFF_PERSONAS,
    TOWN_A,
    TOWN_B,
    VILLAGE_A1,
    VILLAGE_A2,
    VILLAGE_B1,
    VISIBLE,
    api_codes,
    api_results,
    history_section,
    logged_by,
    page,
    patch_json,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """The personas' logins are created per test; a cheap hasher keeps that fast."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


def detail_url(code: str) -> str:
    return reverse("api-area-detail", args=[code])


def search(client: Client, query: str, **params: str) -> list[dict[str, Any]]:
    return api_results(client, reverse("api-area-search"), q=query, **params)


# --- reads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/areas/", f"/api/areas/{COUNTY}/", "/api/areas/search/?q=ly"])
def test_public_and_anonymous_are_refused(personas: Personas, url: str) -> None:
    assert Client().get(url).status_code in {401, 403}
    assert personas.client("public").get(url).status_code == 403


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_area_list_holds_exactly_the_scope(personas: Personas, persona: str) -> None:
    assert api_codes(personas.client(persona), "/api/areas/") == VISIBLE[persona].areas


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
def test_area_details_open_only_inside_the_scope(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    statuses = {code: client.get(detail_url(code)).status_code for code in ALL_AREAS}
    assert statuses == {c: 200 if c in VISIBLE[persona].areas else 404 for c in ALL_AREAS}


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
@pytest.mark.parametrize(
    "params",
    [
        {"inside": COUNTY},
        {"inside": OTHER_COUNTY},
        {"parent": COUNTY},
        {"parent": TOWN_A},
        {"level": "county"},
        {"level": "village"},
    ],
)
def test_area_filters_never_widen_the_scope(personas: Personas, persona: str, params: dict[str, str]) -> None:
    assert api_codes(personas.client(persona), "/api/areas/", **params) <= VISIBLE[persona].areas


def test_area_filters_narrow_within_the_scope(personas: Personas) -> None:
    client = personas.client("county_admin")
    assert api_codes(client, "/api/areas/", inside=TOWN_A) == {TOWN_A, VILLAGE_A1, VILLAGE_A2}
    assert api_codes(client, "/api/areas/", parent=COUNTY) == {TOWN_A, TOWN_B}
    assert api_codes(client, "/api/areas/", level="village") == {VILLAGE_A1, VILLAGE_A2, VILLAGE_B1}
    assert api_codes(client, "/api/areas/", inside=OTHER_COUNTY) == set()
    assert client.get("/api/areas/", {"inside": "6107"}).status_code == 400
    town = personas.client("town_official")
    assert api_codes(town, "/api/areas/", parent=COUNTY) == {TOWN_A}
    assert api_codes(town, "/api/areas/", inside=COUNTY) == {TOWN_A, VILLAGE_A1, VILLAGE_A2}


def test_area_detail_fields(personas: Personas) -> None:
    body = personas.client("county_admin").get(detail_url(VILLAGE_A1)).json()
    assert body["parent_code"] == TOWN_A
    assert (body["level"], body["is_poor_village"], body["version"]) == ("village", True, 1)


# --- the picker's search -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_admin", "county_leader", "office_staff"])
@pytest.mark.parametrize("query", ["略阳", "lueyang", "ly", "LueYang"])
def test_search_finds_the_county_first(personas: Personas, persona: str, query: str) -> None:
    results = search(personas.client(persona), query)
    codes = [row["code"] for row in results]
    assert codes and codes[0] == COUNTY
    assert set(codes) <= VISIBLE[persona].areas


@pytest.mark.parametrize("persona", STAFF_PERSONAS)
@pytest.mark.parametrize("query", ["略阳", "ly", "6107", "村", "cun", "宁强", "nq"])
def test_search_never_returns_areas_outside_the_scope(personas: Personas, persona: str, query: str) -> None:
    assert {row["code"] for row in search(personas.client(persona), query)} <= VISIBLE[persona].areas


def test_search_for_a_town_the_outsider_and_levels(personas: Personas) -> None:
    town = personas.client("town_official")
    assert search(town, "略阳") == []
    assert search(town, "ly") == []
    assert [row["code"] for row in search(town, "xingzhou")] == [TOWN_A]
    outsider = personas.client("outsider")
    assert search(outsider, "略阳") == []
    assert [row["code"] for row in search(outsider, "宁强")] == [OTHER_COUNTY]
    admin = personas.client("county_admin")
    assert {row["code"] for row in search(admin, "6107", level="village")} == {
        VILLAGE_A1,
        VILLAGE_A2,
        VILLAGE_B1,
    }
    assert search(admin, "   ") == []


# --- edits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_patch_areas_of_their_county(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    response = patch_json(
        client,
        detail_url(VILLAGE_A2),
        {"name": "石门新村", "is_poor_village": True, "longitude": "106.1", "latitude": "33.3", "version": 1},
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["version"]) == ("石门新村", 2)
    area = Area.objects.get(code=VILLAGE_A2)
    assert (area.name, area.is_poor_village, str(area.latitude), area.version) == (
        "石门新村",
        True,
        "33.300000",
        2,
    )
    assert "shimenxincun" in area.search_key
    entry = ChangeLog.objects.filter(object_type="areas.area", object_id=area.pk).first()
    assert entry is not None and (entry.actor_name, entry.source) == (persona, "api")
    assert entry.before["名称"] == "石门沟村" and entry.after["名称"] == "石门新村"
    history = history_section(page(client, reverse("areas:detail", args=[VILLAGE_A2])))
    assert persona in history and "石门新村" in history


@pytest.mark.parametrize("persona", list(OWN_AREA))
def test_others_cannot_patch_areas(personas: Personas, persona: str) -> None:
    code = OWN_AREA[persona]
    logs = ChangeLog.objects.count()
    response = patch_json(personas.client(persona), detail_url(code), {"name": "被改名", "version": 1})
    assert response.status_code == 403
    area = Area.objects.get(code=code)
    assert area.name != "被改名" and area.version == 1
    assert ChangeLog.objects.count() == logs


@pytest.mark.parametrize(
    ("persona", "code"),
    [("outsider", COUNTY), ("county_admin", OTHER_COUNTY), ("office_staff", OTHER_COUNTY)],
)
def test_managers_cannot_patch_another_county(personas: Personas, persona: str, code: str) -> None:
    response = patch_json(personas.client(persona), detail_url(code), {"name": "被改名", "version": 1})
    assert response.status_code in {403, 404}
    area = Area.objects.get(code=code)
    assert area.name != "被改名" and area.version == 1


@pytest.mark.parametrize(
    "data",
    [
        {"name": "改名"},  # no version
        {"is_poor_village": True, "version": 1},  # only villages can be poor villages
        {"code": "610727999000", "version": 1},  # not an editable field: ignored, nothing changes
    ],
)
def test_invalid_area_patches_change_nothing(personas: Personas, data: dict[str, Any]) -> None:
    response = patch_json(personas.client("county_admin"), detail_url(TOWN_A), data)
    assert response.status_code in {200, 400}
    area = Area.objects.get(code=TOWN_A)
    assert (area.code, area.name, area.is_poor_village, area.latitude, area.version) == (
        TOWN_A,
        "兴州街道",
        False,
        None,
        1,
    )


@pytest.mark.parametrize("data", [{"latitude": "95"}, {"longitude": "-181"}])
def test_out_of_range_coordinates_get_400(personas: Personas, data: dict[str, str]) -> None:
    client = personas.client("county_admin")
    client.raise_request_exception = False
    response = patch_json(client, detail_url(TOWN_A), {**data, "version": 1})
    area = Area.objects.get(code=TOWN_A)
    assert (area.latitude, area.longitude, area.version) == (None, None, 1)
    assert response.status_code == 400


def test_stale_area_patch_gets_409_and_keeps_the_first_change(personas: Personas) -> None:
    version = personas.client("office_staff").get(detail_url(TOWN_B)).json()["version"]
    first = patch_json(
        personas.client("county_admin"), detail_url(TOWN_B), {"name": "接官亭", "version": version}
    )
    assert first.status_code == 200
    second = patch_json(
        personas.client("office_staff"), detail_url(TOWN_B), {"name": "接官镇", "version": version}
    )
    assert second.status_code == 409
    assert "该记录已被他人修改" in second.json()["detail"]
    area = Area.objects.get(code=TOWN_B)
    assert (area.name, area.version) == ("接官亭", version + 1)
    assert logged_by("areas.area", area.pk, "county_admin")
    assert not logged_by("areas.area", area.pk, "office_staff")
