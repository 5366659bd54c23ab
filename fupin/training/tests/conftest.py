"""Fixtures of the training tests: the persona county, a small question bank, and quick ways to
hold a training and open an exam."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from fupin.conftest import EVERYTHING, SYSTEM, County, Personas
from fupin.core.scope import Scope
from fupin.people.models import Cadre
from fupin.people.scope import scope_for
from fupin.people.tests.helpers import FAST_HASHERS
from fupin.training.models import Exam, PaperKind, Question, QuestionKind, Training, TrainingKind
from fupin.training.services.exams import exam_create
from fupin.training.services.questions import questions_upsert
from fupin.training.services.trainings import attendances_mark, training_create

D = dt.date
NOV_5 = D(2019, 11, 5)


def bank_rows() -> list[dict[str, Any]]:
    """Ten questions: four single (精准扶贫), three multiple (小额信贷), three true/false (两不愁三保障).
    The right answer of every single question is B, of every multiple AC, of every judge A."""
    rows: list[dict[str, Any]] = []
    for i in range(1, 5):
        rows.append(
            {"code": f"S{i}", "kind": QuestionKind.SINGLE, "category": "精准扶贫", "text": f"单选{i}",
             "options": ["甲", "乙", "丙", "丁"], "answer": "B", "explanation": "", "active": True}
        )  # fmt: skip
    for i in range(1, 4):
        rows.append(
            {"code": f"M{i}", "kind": QuestionKind.MULTIPLE, "category": "小额信贷", "text": f"多选{i}",
             "options": ["甲", "乙", "丙", "丁"], "answer": "AC", "explanation": "", "active": True}
        )  # fmt: skip
    for i in range(1, 4):
        rows.append(
            {"code": f"J{i}", "kind": QuestionKind.JUDGE, "category": "两不愁三保障", "text": f"判断{i}",
             "options": ["正确", "错误"], "answer": "A", "explanation": "", "active": True}
        )  # fmt: skip
    return rows


RIGHT = {"S": "B", "M": "AC", "J": "A"}


@dataclass
class Tr:
    personas: Personas
    county: County

    def cadre(self, code: str) -> Cadre:
        return Cadre.objects.get(code=code)

    def scope(self, persona: str) -> Scope:
        return scope_for(self.personas.users[persona])

    def training(
        self,
        topic: str = "精准扶贫政策解读",
        *,
        day: dt.date = NOV_5,
        area: Any = None,
        attendees: tuple[str, ...] = (),
        **extra: Any,
    ) -> Training:
        training = training_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            topic=topic,
            day=day,
            place=extra.pop("place", "县委党校"),
            organiser=extra.pop("organiser", self.county.office_unit),
            kind=extra.pop("kind", TrainingKind.CLASSROOM),
            area=area or self.county.county,
            **extra,
        )
        if attendees:
            attendances_mark(actor=SYSTEM, scope=EVERYTHING, training=training, cadre_codes=list(attendees))
        return training

    def exam(self, code: str = "KS1", *, paper: str = PaperKind.FIXED, **extra: Any) -> Exam:
        now = timezone.now()
        return exam_create(
            actor=SYSTEM,
            scope=EVERYTHING,
            code=code,
            title=extra.pop("title", "脱贫攻坚政策知识考试"),
            area=extra.pop("area", self.county.county),
            opens_at=extra.pop("opens_at", now - dt.timedelta(hours=1)),
            closes_at=extra.pop("closes_at", now + dt.timedelta(days=1)),
            time_limit_minutes=extra.pop("time_limit_minutes", 30),
            pass_mark=extra.pop("pass_mark", 60),
            max_attempts=extra.pop("max_attempts", 2),
            paper_kind=paper,
            question_codes=extra.pop("question_codes", ["S1", "S2", "M1", "M2", "J1"]),
            draw_rule=extra.pop("draw_rule", {"精准扶贫": 2, "小额信贷": 2, "两不愁三保障": 1}),
        )


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def tr(personas: Personas) -> Tr:
    questions_upsert(actor=SYSTEM, rows=bank_rows())
    assert Question.objects.count() == 10
    return Tr(personas=personas, county=personas.county)
