"""Employment fixtures: households of the persona county with capable members, synced into
laborers, and a quick way to add postings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from fupin.conftest import EVERYTHING, SYSTEM, Personas
from fupin.core.scope import Scope
from fupin.employment.models import JobPosting, Laborer
from fupin.employment.services.laborers import laborers_sync
from fupin.employment.services.postings import posting_create
from fupin.people.scope import scope_for
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.registry.models import Household, Member, PovertyStatus
from fupin.registry.tests.conftest import make_household, person_id

D = dt.date


@dataclass
class Emp:
    personas: Personas
    h1: Household  # village A1, poor
    h2: Household  # village A1, not registered (一般农户)
    h3: Household  # village A2, exited
    h4: Household  # village B1 (town B), poor

    def scope(self, persona: str) -> Scope:
        return scope_for(self.personas.users[persona])

    def laborer(self, id_number: str) -> Laborer:
        return Laborer.objects.select_related("member__household").get(id_number=id_number)

    def head(self, household: Household) -> Laborer:
        return self.laborer(household.head_id_number)

    def posting(self, code: str = "J1", **values: Any) -> JobPosting:
        base: dict[str, Any] = {
            "employer": "略阳建筑公司",
            "title": "建筑工",
            "work_type": "construction",
            "skill_required": False,
            "region": "in_county",
            "area": self.personas.county.village_a1,
            "place": "",
            "monthly_wage": Decimal("3500"),
            "positions": 2,
            "start_date": D(2019, 11, 1),
            "end_date": None,
            "min_age": None,
            "max_age": None,
            "requirements": "",
        }
        base.update(values)
        return posting_create(actor=SYSTEM, scope=EVERYTHING, code=code, **base)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def emp(personas: Personas) -> Emp:
    c = personas.county
    h1 = make_household("H11", c.village_a1, head_name="王大明")
    h2 = make_household("H12", c.village_a1, PovertyStatus.NON_POOR, head_name="刘一般")
    h3 = make_household("H13", c.village_a2, PovertyStatus.OUT, exit_year=2019, head_name="李小红")
    h4 = make_household("H14", c.village_b1, head_name="张三")
    Member.objects.create(
        household=h1, name="王老汉", id_number=person_id(900), relation="father", labour="none"
    )
    laborers_sync(actor=SYSTEM, scope=EVERYTHING, area_code=c.county.code)
    return Emp(personas=personas, h1=h1, h2=h2, h3=h3, h4=h4)
