"""Fixtures of the duty tests: households in the persona county, and ways to assign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.conftest import County, Personas, make_id
from fupin.core.scope import Scope
from fupin.duty.models import Pairing, TeamRole, UnitVillage, WorkTeamMember
from fupin.people.models import Cadre, Unit
from fupin.people.scope import scope_for
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.registry.models import Household, PovertyStatus

D = dt.date
JAN_2019 = D(2019, 1, 1)


def make_household(code: str, village: Area, status: str = PovertyStatus.NOT_OUT, **extra: Any) -> Household:
    fields: dict[str, Any] = {
        "code": code,
        "village": village,
        "area_code": village.code,
        "head_name": f"户主{code}",
        "head_id_number": make_id(400 + int(code[1:])),
        "size": 3,
        "identification_standard": "national",
        "category": "general",
        "main_cause": "illness",
        "poverty_status": status,
        "registered_year": 2016,
        "exit_year": 2019 if status == PovertyStatus.OUT else None,
    }
    return Household.objects.create(**(fields | extra))


@dataclass
class Duty:
    """The persona county with households: H1, H2 (返贫), H3 (已脱贫) in village A1 and A2 of town A;
    H4, H5 (注销) in village B1 of town B; H6 in A2."""

    personas: Personas
    county: County
    households: dict[str, Household]

    def cadre(self, code: str) -> Cadre:
        return Cadre.objects.select_related("unit").get(code=code)

    def scope(self, persona: str) -> Scope:
        return scope_for(self.personas.users[persona])

    def pair(self, cadre: str, household: str, start: dt.date, end: dt.date | None = None) -> Pairing:
        return Pairing.objects.create(
            cadre=self.cadre(cadre), household=self.households[household], start_date=start, end_date=end
        )

    def team(
        self,
        cadre: str,
        village: Area,
        role: str = TeamRole.MEMBER,
        start: dt.date = JAN_2019,
        end: dt.date | None = None,
    ) -> WorkTeamMember:
        member = self.cadre(cadre)
        return WorkTeamMember.objects.create(
            cadre=member, village=village, role=role, sending_unit=member.unit, start_date=start, end_date=end
        )

    def unit_village(
        self, unit: Unit, village: Area, start: dt.date = JAN_2019, end: dt.date | None = None
    ) -> UnitVillage:
        return UnitVillage.objects.create(unit=unit, village=village, start_date=start, end_date=end)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def duty(personas: Personas) -> Duty:
    c = personas.county
    households = {
        "H1": make_household("H1", c.village_a1, phone="13900001111"),
        "H2": make_household("H2", c.village_a1, PovertyStatus.RELAPSED),
        "H3": make_household("H3", c.village_a2, PovertyStatus.OUT),
        "H4": make_household("H4", c.village_b1),
        "H5": make_household("H5", c.village_b1, PovertyStatus.CANCELLED),
        "H6": make_household("H6", c.village_a2),
    }
    return Duty(personas=personas, county=c, households=households)
