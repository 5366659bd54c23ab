"""Shared expectations for the persona tests: what each persona may see, and ways to add more rows."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse

from fupin.areas.services import areas_upsert
from fupin.conftest import EVERYTHING, SYSTEM, County
from fupin.core import idnumber
from fupin.core.models import ChangeLog
from fupin.people.models import Unit
from fupin.people.services import cadres_upsert, units_upsert

COUNTY = "610727000000"
TOWN_A = "610727100000"
TOWN_B = "610727101000"
VILLAGE_A1 = "610727100200"
VILLAGE_A2 = "610727100201"
VILLAGE_B1 = "610727101200"
OTHER_COUNTY = "610726000000"

ALL_AREAS = frozenset({COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, OTHER_COUNTY})
ALL_UNITS = frozenset({"U1", "U2", "U3", "U4", "U5", "U9"})
ALL_CADRES = frozenset({"G1", "G2", "G3", "G4", "G5", "G6", "G7", "G9"})

COUNTY_AREAS = ALL_AREAS - {OTHER_COUNTY}
COUNTY_UNITS = ALL_UNITS - {"U9"}
COUNTY_CADRES = ALL_CADRES - {"G9"}


@dataclass(frozen=True)
class Visible:
    areas: frozenset[str]
    units: frozenset[str]
    cadres: frozenset[str]


_COUNTY_WIDE = Visible(COUNTY_AREAS, COUNTY_UNITS, COUNTY_CADRES)

# The intended read policy, persona by persona.
VISIBLE: dict[str, Visible] = {
    "county_admin": _COUNTY_WIDE,
    "county_leader": _COUNTY_WIDE,
    "office_staff": _COUNTY_WIDE,
    "town_official": Visible(
        frozenset({TOWN_A, VILLAGE_A1, VILLAGE_A2}), frozenset({"U4"}), frozenset({"G5"})
    ),
    "unit_user": Visible(COUNTY_AREAS, frozenset({"U2", "U3"}), frozenset({"G3", "G4", "G7"})),
    "work_team": Visible(frozenset({VILLAGE_A1}), frozenset({"U2"}), frozenset({"G7"})),
    "paired_cadre": Visible(COUNTY_AREAS, frozenset({"U2"}), frozenset({"G3"})),
    "outsider": Visible(frozenset({OTHER_COUNTY}), frozenset({"U9"}), frozenset({"G9"})),
}
STAFF_PERSONAS = list(VISIBLE)
MANAGERS = ["county_admin", "office_staff"]
NON_MANAGERS = ["county_leader", "unit_user", "town_official", "work_team", "paired_cadre"]
# Whose own cadre record each linked persona is.
OWN_CADRE = {"county_leader": "G1", "town_official": "G5", "work_team": "G7", "paired_cadre": "G3"}
# Who sees full ID numbers and phones of every cadre they can see (the outsider manages its county).
FULL_ID_VIEWERS = frozenset({"county_admin", "office_staff", "outsider"})
# The area each non-manager can see, and would try to change.
OWN_AREA = {
    "county_leader": COUNTY,
    "unit_user": COUNTY,
    "town_official": TOWN_A,
    "work_team": VILLAGE_A1,
    "paired_cadre": COUNTY,
}
# The personas' logins are created for every test; a cheap hasher keeps that fast.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Writes on behalf of the platform itself (every area), for setting up history.
EVERYTHING_SCOPE = EVERYTHING


def area_href(code: str) -> str:
    return f'href="{reverse("areas:detail", args=[code])}"'


def unit_href(code: str) -> str:
    return f'href="{reverse("people:unit-detail", args=[code])}"'


def cadre_href(code: str) -> str:
    return f'href="{reverse("people:cadre-detail", args=[code])}"'


def page(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def history_section(body: str) -> str:
    """The part of a record page under 变更记录."""
    assert "变更记录" in body
    return body.split("变更记录", 1)[1]


def api_results(client: Client, url: str, **params: str) -> list[dict[str, Any]]:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def api_codes(client: Client, url: str, **params: str) -> set[str]:
    return {row["code"] for row in api_results(client, url, **params)}


def patch_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def post_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def logged_by(model_label: str, pk: int, actor_name: str) -> bool:
    return ChangeLog.objects.filter(object_type=model_label, object_id=pk, actor_name=actor_name).exists()


def new_id_number(sequence: int) -> str:
    """A valid ID number that none of the fixture's cadres has (they were born in 1980)."""
    return idnumber.make("610727", dt.date(1990, 1, 1) + dt.timedelta(days=sequence // 1000), sequence % 1000)


def grow(county: County, *, cadres: int = 60, units: int = 10, villages: int = 20) -> None:
    """More rows of every kind, spread over towns, units and parents, so an N+1 shows in the counts."""
    areas_upsert(
        actor=SYSTEM,
        rows=[
            {
                "code": f"61072710{i % 2}{300 + i:03d}",
                "name": f"新村{i}",
                "is_poor_village": i % 3 == 0,
                "longitude": None,
                "latitude": None,
            }
            for i in range(villages)
        ],
    )
    towns = [county.town_a, county.town_b]
    units_upsert(
        actor=SYSTEM,
        rows=[
            {
                "code": f"UX{i:02d}",
                "name": f"新单位{i}",
                "kind": "institution",
                "parent_code": ["U2", "U4", "U5"][i % 3],
                "area": towns[i % 2] if i % 3 else None,
            }
            for i in range(units)
        ],
    )
    pool = list(Unit.objects.filter(area__code__startswith="610727").order_by("code"))
    u2 = Unit.objects.get(code="U2")
    cadres_upsert(
        actor=SYSTEM,
        rows=[
            {
                "code": f"GX{i:03d}",
                "name": f"新干部{i}",
                "id_number": new_id_number(i),
                "phone": f"1390000{i:04d}",
                # Half go to U2, so its unit page fills up too.
                "unit": u2 if i % 2 else pool[i % len(pool)],
                "title": "科员",
                "categories": ["paired_cadre", "team_member"] if i % 2 else ["village_cadre"],
            }
            for i in range(cadres)
        ],
    )
