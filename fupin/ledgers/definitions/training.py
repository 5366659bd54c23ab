"""The questions ledger (docs/ledgers.md, questions 题库): the policy-knowledge question bank kept in
Excel, imported all-or-nothing and exported back unchanged.

A row is a single-choice, multiple-choice or true/false question. Options are the columns 选项A to
选项F, filled from A without gaps; a true/false question takes none (its options are 正确/错误) and
answers 正确/错误 (对/错, √/×). A multiple-choice answer lists two or more letters in any order and
with any separator ("A、C", "ca"). A row whose 题目编号 exists updates that question.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.core.bulk import UpsertResult
from fupin.core.models import choice_label
from fupin.core.scope import Scope
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.training.models import OPTION_LETTERS, Question, QuestionKind
from fupin.training.services.questions import (
    OPTION_COLUMNS,
    question_problems,
    question_row,
    questions_upsert,
)

KIND_LABELS = {str(label): value for value, label in QuestionKind.choices} | {
    "单选": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "判断": QuestionKind.JUDGE,
}


class QuestionsLedger(Ledger):
    name = "questions"
    title = "题库"
    key = ("code",)
    columns = (
        Column("code", "题目编号", "code", v.text, required=True, help="每道题的编号，不能重复"),
        Column(
            "kind",
            "题型",
            "kind",
            v.choice(KIND_LABELS),
            required=True,
            options=("单选题", "多选题", "判断题"),
        ),
        Column("category", "题目类别", "category", v.text, required=True, help="如 精准扶贫、两不愁三保障"),
        Column("text", "题干", "text", v.text, required=True),
        *(
            Column(key, f"选项{letter}", key, v.text, help="判断题不填" if letter == "A" else "")
            for key, letter in zip(OPTION_COLUMNS, OPTION_LETTERS, strict=False)
        ),
        Column(
            "answer",
            "答案",
            "answer",
            v.text,
            required=True,
            help="选择题填字母，如 A 或 ACD；判断题填 正确 或 错误",
        ),
        Column("explanation", "解析", "explanation", v.text),
        Column("active", "启用", "active", v.boolean, help="是/否，空为是"),
    )
    example = {
        "题目编号": "TK0001",
        "题型": "单选题",
        "题目类别": "两不愁三保障",
        "题干": "“两不愁三保障”中的“三保障”是指义务教育、基本医疗和什么有保障？",
        "选项A": "住房安全",
        "选项B": "饮水安全",
        "选项C": "就业",
        "选项D": "养老",
        "答案": "A",
        "解析": "三保障：义务教育、基本医疗、住房安全有保障。",
        "启用": "是",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        # The rules of a question are the bank's own (the question page checks the same).
        for key, value, message in question_problems(row.values):
            errors.add(row.number, key, value, message)

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        prepared: list[dict[str, Any]] = []
        for row in rows:
            values = row.values
            prepared.append(question_row(values) | {"code": values["code"]})
        return questions_upsert(actor=context.actor, rows=prepared)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for question in Question.objects.order_by("code").iterator(chunk_size=2000):
            judge = question.kind == QuestionKind.JUDGE
            row: dict[str, Any] = {
                "code": question.code,
                "kind": choice_label(QuestionKind, question.kind),
                "category": question.category,
                "text": question.text,
                "answer": ("正确" if question.answer == "A" else "错误") if judge else question.answer,
                "explanation": question.explanation,
                "active": "是" if question.active else "否",
            }
            for key, option in zip(OPTION_COLUMNS, [] if judge else question.options, strict=False):
                row[key] = option
            for key in OPTION_COLUMNS:
                row.setdefault(key, "")
            yield row
