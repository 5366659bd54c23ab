"""Fixtures of the rectification tests: the persona county with its categories, and a quick way to
file problems and move them through the workflow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile

from fupin.conftest import EVERYTHING, SYSTEM, County, Personas
from fupin.core.scope import Scope
from fupin.people.models import Cadre
from fupin.people.scope import scope_for
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.rectification.models import Channel, Evidence, Origin, Problem, ProblemCategory
from fupin.rectification.services.problems import categories_ensure_default, problem_create

D = dt.date
FOUND = D(2019, 10, 8)


@dataclass
class Rect:
    personas: Personas
    county: County
    categories: dict[str, ProblemCategory]

    def cadre(self, code: str) -> Cadre:
        return Cadre.objects.get(code=code)

    def scope(self, persona: str) -> Scope:
        return scope_for(self.personas.users[persona])

    def file(
        self,
        description: str = "危房改造补助未到位",
        *,
        category: str = "住房安全",
        area: Any = None,
        found: dt.date = FOUND,
        channel: str = Channel.TALK,
        origin: str = Origin.PUBLIC,
        **extra: Any,
    ) -> Problem:
        return problem_create(
            actor=SYSTEM,
            scope=extra.pop("scope", EVERYTHING),
            channel=channel,
            origin=origin,
            category=self.categories[category],
            description=description,
            area=area or self.county.village_a1,
            found_date=found,
            responsible_unit=extra.pop("responsible_unit", self.county.agriculture),
            **extra,
        )

    def evidence(self, problem: Problem, name: str = "after.jpg") -> Evidence:
        uploader = self.personas.users["office_staff"]
        item = Evidence(
            problem=problem, original_name=name, is_image=name.endswith(".jpg"), uploaded_by=uploader
        )
        item.file.save(name, ContentFile(b"\xff\xd8\xff\xe0 evidence"), save=False)
        item.save()
        return item


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def rect(personas: Personas) -> Rect:
    categories = categories_ensure_default(actor=SYSTEM, county=personas.county.county)
    return Rect(personas=personas, county=personas.county, categories={c.name: c for c in categories})
