"""Fixtures of the field-work tests: the persona county with coordinates, households, pairings and a
work team, and a quick way to record check-ins through the service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.conftest import EVERYTHING, SYSTEM, County, Personas
from fupin.duty.models import Pairing, TeamRole, WorkTeamMember
from fupin.duty.tests.conftest import make_household
from fupin.fieldwork.models import CheckIn, CheckInSource
from fupin.fieldwork.services.checkins import checkin_record
from fupin.people.models import Cadre
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.registry.models import Household

D = dt.date
METRES_PER_DEGREE_LATITUDE = 111_195.0

# Reference points (WGS-84) in and around 略阳.
TOWN_A = (Decimal("106.156000"), Decimal("33.327000"))
VILLAGE_A1 = (Decimal("106.170000"), Decimal("33.340000"))
VILLAGE_A2 = (Decimal("106.200000"), Decimal("33.300000"))
TOWN_B = (Decimal("106.300000"), Decimal("33.400000"))
H1_POINT = (Decimal("106.172000"), Decimal("33.342000"))


def north_of(point: tuple[Decimal, Decimal], metres: float) -> tuple[Decimal, Decimal]:
    """A point `metres` due north of `point` (exact enough for geofence tests)."""
    latitude = float(point[1]) + metres / METRES_PER_DEGREE_LATITUDE
    return point[0], Decimal(f"{latitude:.6f}")


@dataclass
class Field:
    """The persona county with coordinates. Town A and villages A1, A2 have centres; village B1 has
    none. Households: H1 (A1, with coordinates), H2 (A1, none), H3 (A2), H4 (B1). Cadre G3 (the
    paired_cadre persona) is paired with H1 and H2 from 2019-01-01; G7 (the work_team persona) is the
    first secretary of A1 from 2019-01-01."""

    personas: Personas
    county: County
    households: dict[str, Household]

    def cadre(self, code: str) -> Cadre:
        return Cadre.objects.select_related("unit").get(code=code)

    def pair(self, cadre: str, household: str, start: dt.date, end: dt.date | None = None) -> Pairing:
        return Pairing.objects.create(
            cadre=self.cadre(cadre), household=self.households[household], start_date=start, end_date=end
        )

    def team(
        self,
        cadre: str,
        village: Area,
        start: dt.date,
        end: dt.date | None = None,
        role: str = TeamRole.MEMBER,
    ) -> WorkTeamMember:
        member = self.cadre(cadre)
        return WorkTeamMember.objects.create(
            cadre=member, village=village, role=role, sending_unit=member.unit, start_date=start, end_date=end
        )

    def checkin(
        self,
        cadre: str,
        kind: str,
        area: Area,
        day: dt.date,
        *,
        household: str | None = None,
        at: tuple[Decimal, Decimal] | None = None,
        accuracy: str | None = "15",
        **extra: Any,
    ) -> CheckIn:
        """A check-in recorded through the service (as the county's manager would import it)."""
        return checkin_record(
            actor=SYSTEM,
            scope=EVERYTHING,
            cadre=self.cadre(cadre),
            kind=kind,
            area=area,
            household=self.households[household] if household else None,
            day=day,
            longitude=at[0] if at else None,
            latitude=at[1] if at else None,
            accuracy_m=Decimal(accuracy) if accuracy is not None else None,
            source=extra.pop("source", CheckInSource.LEDGER),
            **extra,
        ).checkin


def _place(area: Area, point: tuple[Decimal, Decimal] | None) -> None:
    area.longitude, area.latitude = point if point else (None, None)
    area.save(update_fields=["longitude", "latitude"])


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def field(personas: Personas) -> Field:
    c = personas.county
    _place(c.town_a, TOWN_A)
    _place(c.village_a1, VILLAGE_A1)
    _place(c.village_a2, VILLAGE_A2)
    _place(c.town_b, TOWN_B)
    households = {
        "H1": make_household("H1", c.village_a1, longitude=H1_POINT[0], latitude=H1_POINT[1]),
        "H2": make_household("H2", c.village_a1),
        "H3": make_household("H3", c.village_a2),
        "H4": make_household("H4", c.village_b1),
    }
    f = Field(personas=personas, county=c, households=households)
    f.pair("G3", "H1", D(2019, 1, 1))
    f.pair("G3", "H2", D(2019, 1, 1))
    f.team("G7", c.village_a1, D(2019, 1, 1), role=TeamRole.FIRST_SECRETARY)
    return f
