"""Fixtures of the leave, town-stay, research and diary tests: the persona county with work teams
and leaders' towns, and short ways to act as a persona. Test modules import the fixtures by name."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from fupin.areas.models import Area
from fupin.conftest import PASSWORD, County, Personas
from fupin.core.audit import Actor
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.duty.models import LeaderTown, TeamRole, WorkTeamMember
from fupin.people.models import Cadre
from fupin.people.scope import scope_for
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.web.tests.conftest import PHONE

D = dt.date
TEAM_START = D(2024, 1, 1)
STAFF = [
    "county_admin",
    "county_leader",
    "office_staff",
    "unit_user",
    "town_official",
    "work_team",
    "paired_cadre",
    "outsider",
]


@dataclass
class FieldSetup:
    """The persona county; G7 (work_team) serves in village A1's team from 2024-01-01, G6 in B1's."""

    personas: Personas
    county: County

    def cadre(self, code: str) -> Cadre:
        return Cadre.objects.select_related("unit").get(code=code)

    def scope(self, persona: str) -> Scope:
        return scope_for(self.personas.users[persona])

    def actor(self, persona: str) -> Actor:
        return Actor.of(self.personas.users[persona])

    def client(self, persona: str) -> Client:
        return self.personas.client(persona)

    def cadre_scope(self, code: str, area: Area) -> Scope:
        """A scope for a cadre without a persona login (a work-team member of another town)."""
        return Scope(role=Role.WORK_TEAM, area_prefixes=(area.prefix,), cadre_id=self.cadre(code).pk)

    def team(
        self, code: str, village: Area, start: dt.date = TEAM_START, end: dt.date | None = None
    ) -> WorkTeamMember:
        cadre = self.cadre(code)
        return WorkTeamMember.objects.create(
            cadre=cadre,
            village=village,
            role=TeamRole.MEMBER,
            sending_unit=cadre.unit,
            start_date=start,
            end_date=end,
        )

    def lead(self, code: str, town: Area, start: dt.date, end: dt.date | None = None) -> LeaderTown:
        return LeaderTown.objects.create(cadre=self.cadre(code), town=town, start_date=start, end_date=end)


@pytest.fixture(autouse=True)
def _fast_password_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def fw(personas: Personas) -> FieldSetup:
    f = FieldSetup(personas=personas, county=personas.county)
    f.team("G7", f.county.village_a1)
    f.team("G6", f.county.village_b1)
    return f


def figures(body: str) -> dict[str, int]:
    """The numbers a page marks with data-figure="name"."""
    return {name: int(value) for name, value in re.findall(r'data-figure="(\w+)">(\d+)<', body)}


# -- on a phone -----------------------------------------------------------------------------------
@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A signed-out page in a 390 px wide phone browser (the session's browser, fupin/conftest.py)."""
    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def fits_the_phone(page: Any) -> bool:
    """Nothing sticks out sideways: wide tables scroll inside their own box, the page does not."""
    # Measured against the phone's width: a page that overflows widens a mobile layout viewport.
    width = page.evaluate("document.documentElement.scrollWidth")
    return bool(width <= page.viewport_size["width"])
