"""Query ceilings of the main pages and endpoints, which must not grow with the number of rows.

Each page is measured on the small fixture county, then again after adding 60 cadres, 10 units,
20 villages and more change-log history; the same ceiling must hold both times, so an N+1 fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from fupin.areas.models import Area
from fupin.areas.services import area_update
from fupin.conftest import Personas
from fupin.core.audit import Actor
from fupin.people.models import Cadre
from fupin.people.services import cadre_update
from fupin.people.tests.helpers import COUNTY, EVERYTHING_SCOPE, FAST_HASHERS, api_results, grow

# Measured for county_admin (see the module docstring) plus a margin of 3.
CEILINGS = {
    "/": 9 + 3,
    "/areas/": 7 + 3,
    f"/areas/{COUNTY}/": 10 + 3,
    "/areas/picker/?q=ly": 5 + 3,
    "/units/": 8 + 3,
    "/units/U2/": 11 + 3,
    "/cadres/": 9 + 3,
    "/cadres/G3/": 9 + 3,
    "/api/areas/": 6 + 3,
    "/api/areas/search/?q=ly": 5 + 3,
    "/api/units/": 6 + 3,
    "/api/cadres/": 6 + 3,
}
# A unit user's scope also walks its unit tree: one query per level below the unit (U2 > U3).
UNIT_TREE_QUERIES = 2


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


def more_history(personas: Personas) -> None:
    """Several edits by several users, so the 变更记录 of G3 and of the county grow too."""
    for i, name in enumerate(["county_admin", "office_staff", "unit_user"] * 2):
        actor = Actor.of(User.objects.get(username=name))
        cadre = Cadre.objects.select_related("unit__area").get(code="G3")
        cadre_update(
            actor=actor, scope=EVERYTHING_SCOPE, cadre=cadre, expected_version=None, title=f"职务{i}"
        )
        area = Area.objects.get(code=COUNTY)
        area_update(actor=actor, area=area, expected_version=None, longitude=f"106.{i}")


@pytest.mark.parametrize("persona", ["county_admin", "unit_user"])
@pytest.mark.parametrize("url", list(CEILINGS))
def test_query_count_does_not_grow_with_rows(
    personas: Personas, django_assert_max_num_queries: Any, persona: str, url: str
) -> None:
    client = personas.client(persona)
    ceiling = CEILINGS[url] + (UNIT_TREE_QUERIES if persona == "unit_user" else 0)
    with django_assert_max_num_queries(ceiling):
        assert client.get(url).status_code == 200

    cadres_before = len(api_results(client, "/api/cadres/"))
    grow(personas.county)
    more_history(personas)
    # The growth is visible to this persona, so the second measurement renders more rows.
    assert len(api_results(client, "/api/cadres/")) >= cadres_before + 25

    with django_assert_max_num_queries(ceiling):
        assert client.get(url).status_code == 200
