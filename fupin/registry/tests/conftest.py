"""Registry fixtures: households in the fixture county, a pairing and a work team, and helpers to
run a procedure through its steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from fupin.areas.models import Area
from fupin.conftest import EVERYTHING, SYSTEM, Personas
from fupin.core import idnumber
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.core.text import pinyin_key
from fupin.duty.models import Pairing, WorkTeamMember
from fupin.people.scope import scope_for
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.registry.models import (
    Household,
    IncomeItem,
    Member,
    PovertyStatus,
    Procedure,
    ProcedureStep,
)
from fupin.registry.procedures import steps_of
from fupin.registry.services.lifecycle import procedure_step_record

TODAY = timezone.localdate()
YEAR = TODAY.year
# Far enough back that a whole procedure (with a 5-day publicity) fits before today.
START = TODAY - dt.timedelta(days=60)


def person_id(sequence: int) -> str:
    """ID numbers no fixture cadre has (cadres are born in 1980)."""
    return idnumber.make("610727", dt.date(1970, 1, 1) + dt.timedelta(days=sequence), sequence % 1000)


def make_household(code: str, village: Area, status: str = PovertyStatus.NOT_OUT, **fields: Any) -> Household:
    sequence = int("".join(ch for ch in code if ch.isdigit()) or 0)
    values: dict[str, Any] = {
        "code": code,
        "village": village,
        "area_code": village.code,
        "head_name": f"户主{code}",
        "head_id_number": person_id(sequence),
        "size": 2,
        "identification_standard": "national",
        "category": "general",
        "main_cause": "illness",
        "poverty_status": status,
        "registered_year": 2016,
        "phone": "13912345678",
    }
    values.update(fields)
    values["search_key"] = pinyin_key(values["head_name"])
    household = Household.objects.create(**values)
    Member.objects.create(
        household=household,
        name=household.head_name,
        id_number=household.head_id_number,
        relation="head",
        labour="ordinary",
        search_key=household.search_key,
    )
    Member.objects.create(
        household=household,
        name=f"配偶{code}",
        search_key=pinyin_key(f"配偶{code}"),
        id_number=person_id(sequence + 5000),
        relation="spouse",
        labour="ordinary",
    )
    return household


def secure_all(household: Household) -> None:
    """两不愁三保障 and water all secured, the way an exit-ready household looks."""
    for name in (
        "food_clothing_secure",
        "housing_secure",
        "water_secure",
        "schooling_secure",
        "medical_secure",
    ):
        setattr(household, name, True)
    household.save()


def set_income(household: Household, year: int, wages: str) -> None:
    IncomeItem.objects.update_or_create(
        household=household, year=year, kind="wages", defaults={"amount": Decimal(wages)}
    )


@dataclass
class Registry:
    personas: Personas
    # H1: village A1 (town A), paired with G3, the work team's village.
    h1: Household
    # H2: village A2 (town A), exited.
    h2: Household
    # H3: village B1 (town B).
    h3: Household

    def user(self, persona: str) -> User:
        return self.personas.users[persona]

    def scope(self, persona: str) -> Scope:
        return scope_for(self.user(persona))

    def actor(self, persona: str) -> Actor:
        return Actor.of(self.user(persona))


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def registry(personas: Personas) -> Registry:
    c = personas.county
    h1 = make_household("H1", c.village_a1, head_name="王大明")
    h2 = make_household("H2", c.village_a2, PovertyStatus.OUT, exit_year=2019, head_name="李小红")
    h3 = make_household("H3", c.village_b1, head_name="张三")
    Pairing.objects.create(cadre=personas.cadres["agri_cadre"], household=h1, start_date=dt.date(2020, 1, 1))
    WorkTeamMember.objects.create(
        village=c.village_a1,
        cadre=personas.cadres["secretary"],
        role="first_secretary",
        sending_unit=c.agriculture,
        start_date=dt.date(2020, 1, 1),
    )
    return Registry(personas, h1, h2, h3)


def run_steps(
    procedure: Procedure,
    *,
    upto: int | None = None,
    start: dt.date = START,
    actor: Actor = SYSTEM,
    scope: Scope = EVERYTHING,
) -> dt.date:
    """Record the procedure's remaining steps (or up to index `upto`, exclusive), one day apart,
    publicity 5 days; returns the day the next step could be recorded."""
    steps = steps_of(procedure.kind)
    done = ProcedureStep.objects.filter(procedure=procedure).count()
    day = start
    for definition in steps[done : upto if upto is not None else len(steps)]:
        ends = day + dt.timedelta(days=4) if definition.is_publicity else None
        procedure_step_record(
            actor=actor, scope=scope, procedure=procedure, step_kind=definition.kind, on=day, ends_on=ends
        )
        day = (ends or day) + dt.timedelta(days=1)
    return day
