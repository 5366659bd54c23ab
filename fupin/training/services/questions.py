"""The question bank: rows checked the same way whether typed or imported from the questions ledger,
and written in bulk with a change-log row for each created or changed question."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from fupin.core.audit import Actor
from fupin.core.bulk import UpsertResult, bulk_upsert
from fupin.training.models import JUDGE_OPTIONS, OPTION_LETTERS, Question, QuestionKind

MAX_OPTIONS = len(OPTION_LETTERS)
JUDGE_WORDS = {
    "正确": "A",
    "对": "A",
    "√": "A",
    "是": "A",
    "A": "A",
    "错误": "B",
    "错": "B",
    "×": "B",
    "否": "B",
    "B": "B",
}


def normalise_choice(text: str) -> str:
    """ "a, c" / "CA" / "A、C" → "AC": the letters, upper case, sorted, each once."""
    letters = {ch for ch in text.upper() if ch in OPTION_LETTERS}
    return "".join(sorted(letters))


def answer_problem(kind: str, options: Sequence[str], answer: str) -> str | None:
    """Why `answer` (already normalised) cannot be the answer of such a question, or None."""
    if not answer:
        return "请填写答案"
    allowed = OPTION_LETTERS[: len(options)]
    if any(letter not in allowed for letter in answer):
        return f"答案只能是 {allowed[0]}–{allowed[-1]} 中的选项"
    if kind in (QuestionKind.SINGLE, QuestionKind.JUDGE) and len(answer) != 1:
        return "单选题和判断题只能有一个答案"
    if kind == QuestionKind.MULTIPLE and len(answer) < 2:
        return "多选题至少有两个正确选项"
    return None


def options_problem(kind: str, options: Sequence[str]) -> str | None:
    if kind == QuestionKind.JUDGE:
        return None
    if len(options) < 2:
        return "单选题和多选题至少要有两个选项"
    if len(options) > MAX_OPTIONS:
        return f"最多{MAX_OPTIONS}个选项"
    if len(set(options)) != len(options):
        return "选项内容不能重复"
    return None


def question_fields(*, kind: str, options: Sequence[str], answer: str) -> tuple[list[str], str]:
    """The stored options and answer: a judge question always has 正确/错误 and answers A or B."""
    if kind == QuestionKind.JUDGE:
        return list(JUDGE_OPTIONS), JUDGE_WORDS.get(
            answer.strip().upper(), JUDGE_WORDS.get(answer.strip(), "")
        )
    return [o.strip() for o in options], normalise_choice(answer)


@transaction.atomic
def questions_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Rows already checked (by the ledger or a form): code, kind, category, text, options, answer,
    explanation, active."""
    return bulk_upsert(Question, key="code", rows=rows, actor=actor)
