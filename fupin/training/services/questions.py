"""The question bank: rows checked the same way (question_problems) whether typed on the question
page or imported from the questions ledger, written with a change-log row for each created or
changed question.

A paper keeps what it showed: an attempt records the revision (QuestionRevision) of each of its
questions when it is drawn, so a later edit — on the page or by the ledger — changes neither the
text a cadre answered nor how the attempt is scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.training.models import (
    JUDGE_OPTIONS,
    OPTION_LETTERS,
    Question,
    QuestionKind,
    QuestionRevision,
)

MAX_OPTIONS = len(OPTION_LETTERS)
# The option fields of a typed or imported question: 选项A … 选项F.
OPTION_COLUMNS = tuple(f"option_{letter.lower()}" for letter in OPTION_LETTERS[:6])
CODE_MAX = Question._meta.get_field("code").max_length or 40
CATEGORY_MAX = Question._meta.get_field("category").max_length or 50
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


def question_problems(values: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """(field, value shown, Chinese reason) for each rule a question breaks; empty when it is fine.

    `values` has code, kind, category, text, option_a … option_f and answer, as the ledger's row
    and the question form give them (an empty option is None or "")."""
    problems: list[tuple[str, Any, str]] = []
    code, category = values.get("code") or "", values.get("category") or ""
    if len(code) > CODE_MAX:
        problems.append(("code", code, f"题目编号不能超过{CODE_MAX}个字符"))
    if len(category) > CATEGORY_MAX:
        problems.append(("category", category, f"题目类别不能超过{CATEGORY_MAX}个字符"))
    kind, answer = values.get("kind"), values.get("answer")
    if not kind or answer is None:
        return problems
    options = [values.get(key) or None for key in OPTION_COLUMNS]
    if kind == QuestionKind.JUDGE:
        extra = next((key for key, option in zip(OPTION_COLUMNS, options, strict=True) if option), None)
        if extra is not None:
            problems.append((extra, values[extra], "判断题不填选项"))
        answer = answer.strip()
        if JUDGE_WORDS.get(answer.upper(), JUDGE_WORDS.get(answer)) is None:
            problems.append(("answer", answer, "判断题答案应为 正确 或 错误"))
        return problems
    filled = [o for o in options if o]
    if any(not o for o in options[: len(filled)]):
        problems.append((OPTION_COLUMNS[options.index(None)], "", "选项须从A起连续填写，中间不能空"))
        return problems
    problem = options_problem(kind, filled)
    if problem:
        problems.append((OPTION_COLUMNS[0], "", problem))
        return problems
    problem = answer_problem(kind, filled, normalise_choice(answer))
    if problem or any(ch.isalpha() and ch.upper() not in OPTION_LETTERS for ch in answer):
        problems.append(("answer", answer, problem or "答案只能填选项字母"))
    return problems


def question_row(values: Mapping[str, Any]) -> dict[str, Any]:
    """The stored fields of a checked question (all but its code)."""
    kind = values["kind"]
    options, answer = question_fields(
        kind=kind,
        options=[values[key] for key in OPTION_COLUMNS if values.get(key)],
        answer=values["answer"],
    )
    return {
        "kind": kind,
        "category": values["category"],
        "text": values["text"],
        "options": options,
        "answer": answer,
        "explanation": values.get("explanation") or "",
        "active": True if values.get("active") is None else values["active"],
    }


def _refuse_if_broken(values: Mapping[str, Any]) -> None:
    problems = question_problems(values)
    if problems:
        raise ApplicationError(
            "题目未通过校验：" + "；".join(message for _, _, message in problems),
            field_errors={key: message for key, _, message in problems},
        )


def _may_keep_bank(scope: Scope) -> None:
    if not scope.can_manage:
        raise PermissionDenied("题库由县扶贫办维护")


@transaction.atomic
def question_create(*, actor: Actor, scope: Scope, values: Mapping[str, Any]) -> Question:
    """Add one question (the same rules as a row of the questions ledger)."""
    _may_keep_bank(scope)
    code = (values.get("code") or "").strip()
    if Question.objects.filter(code=code).exists():
        raise ApplicationError(f"题目编号“{code}”已存在", field_errors={"code": "题目编号已存在"})
    _refuse_if_broken(values)
    question = Question.objects.create(code=code, **question_row(values))
    record_change(actor, question, action=ChangeAction.CREATE, before=None)
    return question


@transaction.atomic
def question_update(
    *, actor: Actor, scope: Scope, question: Question, expected_version: int, values: Mapping[str, Any]
) -> Question:
    """Change one question (its code stays). Papers already drawn keep the revision they showed."""
    _may_keep_bank(scope)
    _refuse_if_broken({**values, "code": question.code})
    changes = question_row(values)
    changes.pop("active")
    return update_fields_checked(question, actor=actor, expected_version=expected_version, changes=changes)


@transaction.atomic
def question_set_active(
    *, actor: Actor, scope: Scope, question: Question, expected_version: int, active: bool
) -> Question:
    """Retire (停用) or reinstate a question: retired, it is no longer put on new papers nor drawn;
    papers that have it keep it."""
    _may_keep_bank(scope)
    return update_fields_checked(
        question, actor=actor, expected_version=expected_version, changes={"active": active}
    )


def paper_revisions(question_ids: Sequence[int]) -> list[int]:
    """The revision of each question as it stands now, recorded once per question version: the
    ids an attempt keeps beside its question ids."""
    if not question_ids:
        return []
    questions = list(Question.objects.filter(pk__in=question_ids))
    QuestionRevision.objects.bulk_create(
        [QuestionRevision.of(q) for q in questions], ignore_conflicts=True, batch_size=2000
    )
    found = QuestionRevision.objects.filter(
        question_id__in=question_ids, number__in={q.version for q in questions}
    ).values_list("question_id", "number", "pk")
    by_key = {(question_id, number): pk for question_id, number, pk in found}
    current = {q.pk: by_key[(q.pk, q.version)] for q in questions}
    return [current[pk] for pk in question_ids]


@transaction.atomic
def questions_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Rows already checked (by the ledger or a form): code, kind, category, text, options, answer,
    explanation, active."""
    return bulk_upsert(Question, key="code", rows=rows, actor=actor)
