"""Fixtures of the industry tests: the persona county with a station owned by two villages, its
income, and households in the villages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from fupin.conftest import EVERYTHING, SYSTEM, Personas
from fupin.core.scope import Scope
from fupin.industry.models import SolarIncome, SolarOwnership, SolarStation
from fupin.people.scope import scope_for
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.registry.models import Household
from fupin.registry.tests.conftest import make_household

YEAR = 2019
REFERENCE = dt.date(2019, 12, 31)


@dataclass
class Solar:
    personas: Personas
    station: SolarStation
    households: dict[str, Household]

    def scope(self, persona: str) -> Scope:
        return scope_for(self.personas.users[persona])


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


def add_income(station: SolarStation, yuan_by_month: dict[int, str], year: int = YEAR) -> None:
    for month, yuan in yuan_by_month.items():
        SolarIncome.objects.create(
            station=station,
            month=dt.date(year, month, 1),
            generation_kwh=Decimal("1000"),
            income_fen=int(Decimal(yuan) * 100),
        )


@pytest.fixture
def solar(personas: Personas) -> Solar:
    county = personas.county
    station = SolarStation.objects.create(
        code="GF01", name="一号村级电站", area=county.village_a1, capacity_kw=Decimal("300")
    )
    # 2 : 1 shares; 10,000.00 yuan in 2019 → 6,666.67 and 3,333.33.
    SolarOwnership.objects.create(station=station, village=county.village_a1, share=Decimal("2"))
    SolarOwnership.objects.create(station=station, village=county.village_a2, share=Decimal("1"))
    add_income(station, {1: "4000.00", 6: "6000.00"})
    households = {
        code: make_household(code, village)
        for code, village in (
            ("H001", county.village_a1),
            ("H002", county.village_a1),
            ("H003", county.village_a1),
            ("H004", county.village_a2),
            ("H005", county.village_b1),
        )
    }
    return Solar(personas=personas, station=station, households=households)


__all__ = ["EVERYTHING", "REFERENCE", "SYSTEM", "YEAR", "Solar", "add_income"]
