"""The questions ledger (docs/ledgers.md, questions 题库): every kind of question, the errors with
their row and column, all-or-nothing, the template with its drop-down and example, the round trip."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from fupin.core.models import ChangeLog
from fupin.ledgers.exports import ledger_export_xlsx, ledger_template
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import EVERYTHING, error_cells, import_rows, messages, sheet_rows
from fupin.training.models import Question

pytestmark = pytest.mark.django_db

HEADER = ["题目编号", "题型", "题目类别", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "启用"]


def row(code: str = "TK1", **cells: Any) -> list[Any]:
    base = {
        "题目编号": code, "题型": "单选题", "题目类别": "两不愁三保障",
        "题干": "“三保障”是指义务教育、基本医疗和什么有保障？", "选项A": "住房安全", "选项B": "饮水安全",
        "选项C": "就业", "选项D": "养老", "答案": "A", "解析": "", "启用": "",
    }  # fmt: skip
    base.update(cells)
    return [base[h] for h in HEADER]


def test_single_multiple_and_true_false_questions_import_and_a_second_import_changes_nothing() -> None:
    rows = [
        HEADER,
        row(),
        row("TK2", 题型="多选题", 题目类别="小额信贷", 题干="扶贫小额信贷的特点有？", 答案="d、a ,B"),
        row(
            "TK3",
            题型="判断",
            题干="建档立卡贫困户脱贫后即退出一切帮扶。",
            选项A="",
            选项B="",
            选项C="",
            选项D="",
            答案="错",
        ),
        row("TK4", 选项C="", 选项D="", 答案="b", 启用="否"),
    ]
    outcome = import_rows("questions", rows)
    assert outcome.ok, messages(outcome)
    stored = {q.code: (q.kind, q.options, q.answer, q.active) for q in Question.objects.all()}
    assert stored == {
        "TK1": ("single", ["住房安全", "饮水安全", "就业", "养老"], "A", True),
        "TK2": ("multiple", ["住房安全", "饮水安全", "就业", "养老"], "ABD", True),
        "TK3": ("judge", ["正确", "错误"], "B", True),
        "TK4": ("single", ["住房安全", "饮水安全"], "B", False),
    }
    assert ChangeLog.objects.filter(object_type="training.question", action="create").count() == 4
    again = import_rows("questions", rows, fmt="xlsx")
    assert again.ok and (again.reports[0].result.created, again.reports[0].result.updated) == (0, 0)


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_written() -> None:
    rows = [
        HEADER,
        row("TK1", 答案="E"),
        row("TK2", 题型="多选题", 答案="A"),
        row("TK3", 题型="判断题", 答案="也许", 选项A="", 选项B="", 选项C="", 选项D=""),
        row("TK4", 题型="判断题", 答案="对"),
        row("TK5", 选项B="", 答案="A"),
        row("TK6", 题型="问答题"),
        row("TK7", 题干=""),
        row("TK1"),
        row("TK8", 选项B="住房安全"),
    ]
    outcome = import_rows("questions", rows)
    assert not outcome.ok
    assert error_cells(outcome) == {
        (2, "答案"), (3, "答案"), (4, "答案"), (5, "选项A"), (6, "选项B"), (7, "题型"), (8, "题干"),
        (9, "题目编号"), (10, "选项A"),
    }  # fmt: skip
    text = messages(outcome)
    assert "第2行“答案”列（值：E）：答案只能是 A–D 中的选项" in text
    assert "第3行“答案”列（值：A）：多选题至少有两个正确选项" in text
    assert "第4行“答案”列（值：也许）：判断题答案应为 正确 或 错误" in text
    assert "第5行“选项A”列（值：住房安全）：判断题不填选项" in text
    assert "第6行“选项B”列：选项须从A起连续填写，中间不能空" in text
    assert "第10行“选项A”列：选项内容不能重复" in text
    assert not Question.objects.exists()


def test_the_template_offers_the_kinds_and_an_example_and_the_export_imports_back() -> None:
    template = ledger_template(LEDGERS["questions"])
    header = sheet_rows(template)[0]
    assert header[:4] == ["题目编号", "题型", "题目类别", "题干"] and "选项F" in header
    sheet = load_workbook(io.BytesIO(template)).worksheets[0]
    assert any("单选题" in str(rule.formula1) for rule in sheet.data_validations.dataValidation)
    example = sheet_rows(template, 1)
    assert "TK0001" in [str(c) for r in example for c in r]
    import_rows(
        "questions",
        [HEADER, row(), row("TK3", 题型="判断题", 选项A="", 选项B="", 选项C="", 选项D="", 答案="正确")],
    )
    exported = ledger_export_xlsx(LEDGERS["questions"], EVERYTHING)
    rows = sheet_rows(exported)
    assert [r[:2] for r in rows[1:]] == [["TK1", "单选题"], ["TK3", "判断题"]]
    Question.objects.all().delete()
    back = import_rows("questions", rows, fmt="xlsx")
    assert back.ok, messages(back)
    assert dict(Question.objects.values_list("code", "answer")) == {"TK1": "A", "TK3": "A"}
