"""The question page: the county office adds, edits (versioned) and retires one question with the
ledger's own rules, sees each question's use; a paper already given keeps the question as it
showed it, whatever is edited afterwards on the page or by the ledger."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.urls import reverse

from fupin.conftest import SYSTEM
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.ledgers.tests.helpers import import_rows, messages
from fupin.training.models import Answer, Attempt, Question, QuestionRevision
from fupin.training.selectors.exams import attempt_paper
from fupin.training.services.exams import answer_save, attempt_start, attempt_submit
from fupin.training.services.questions import question_create
from fupin.training.tests.conftest import Tr

pytestmark = pytest.mark.django_db
NEW = reverse("training:question-create")


def edit_url(code: str) -> str:
    return reverse("training:question-edit", args=[code])


def question_post(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "S9",
        "kind": "single",
        "category": "精准扶贫",
        "text": "精准扶贫的“六个精准”不包括哪一项？",
        "option_a": "扶持对象精准",
        "option_b": "项目安排精准",
        "option_c": "资金规模精准",
        "answer": "c",
        "explanation": "",
    }
    return data | changes


def test_office_adds_a_question_with_the_change_log(tr: Tr) -> None:
    client = tr.personas.client("office_staff")
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, question_post())
    assert response.status_code == 302
    question = Question.objects.get(code="S9")
    assert (question.options[2], question.answer, question.active) == ("资金规模精准", "C", True)
    assert ChangeLog.objects.filter(object_type="training.question", object_id=question.pk).exists()
    assert "题目编号已存在" in client.post(NEW, question_post()).content.decode()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"kind": "multiple", "answer": "A"}, "多选题至少有两个正确选项"),
        ({"kind": "judge", "answer": "正确"}, "判断题不填选项"),
        ({"option_b": "", "answer": "A"}, "选项须从A起连续填写，中间不能空"),
        ({"answer": "D"}, "答案只能是 A–C 中的选项"),
        ({"option_a": "", "option_b": "", "option_c": ""}, "单选题和多选题至少要有两个选项"),
    ],
)
def test_the_page_refuses_what_the_ledger_refuses(tr: Tr, changes: dict[str, str], reason: str) -> None:
    body = tr.personas.client("county_admin").post(NEW, question_post(**changes)).content.decode()
    assert reason in body
    assert not Question.objects.filter(code="S9").exists()
    # The ledger says the same of the same row.
    header = ["题目编号", "题型", "题目类别", "题干", "选项A", "选项B", "选项C", "答案"]
    data = question_post(**changes)
    kind = {"single": "单选题", "multiple": "多选题", "judge": "判断题"}[data["kind"]]
    row = [data["code"], kind, data["category"], data["text"], data["option_a"], data["option_b"]]
    outcome = import_rows("questions", [header, [*row, data["option_c"], data["answer"]]])
    assert reason in messages(outcome)


def test_an_edit_is_versioned_and_a_retired_question_leaves_new_papers(tr: Tr) -> None:
    client = tr.personas.client("office_staff")
    s1 = Question.objects.get(code="S1")
    post = question_post(code="S1", text="改过的单选1", answer="B", version=s1.version)
    assert client.post(edit_url("S1"), post).status_code == 302
    s1.refresh_from_db()
    assert (s1.text, s1.code, s1.version) == ("改过的单选1", "S1", 2)
    # A page opened at the old version is refused, never merged.
    stale = question_post(code="S1", text="又改", answer="B", version=1)
    assert "已被他人修改" in client.post(edit_url("S1"), stale).content.decode()
    assert Question.objects.get(code="S1").text == "改过的单选1"
    retire = reverse("training:question-active", args=["S1"])
    assert client.post(retire, {"version": "2", "active": "0"}).status_code == 302
    assert not Question.objects.get(code="S1").active
    with pytest.raises(ApplicationError, match="题目编号不存在或已停用：S1"):
        tr.exam("KS9")


def test_the_list_shows_each_questions_use(tr: Tr) -> None:
    exam = tr.exam()
    attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"))
    body = (
        tr.personas.client("office_staff").get(reverse("training:question-list") + "?q=S1").content.decode()
    )
    assert "用于 1 份试卷、1 份答卷" in body and edit_url("S1") in body
    body = (
        tr.personas.client("office_staff").get(reverse("training:question-list") + "?q=S4").content.decode()
    )
    assert "用于 0 份试卷、0 份答卷" in body


def test_a_paper_keeps_the_question_it_showed_after_an_edit_on_the_page_or_by_the_ledger(tr: Tr) -> None:
    exam = tr.exam()  # S1 S2 M1 M2 J1; every single answers B
    attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"))
    s1 = Question.objects.get(code="S1")
    answer_save(attempt=attempt, cadre=attempt.cadre, question_id=s1.pk, choice="B")
    client = tr.personas.client("office_staff")
    # The office rewords S1 and makes A its answer; the ledger rewords S2.
    post = question_post(code="S1", text="新题干", option_a="新A", answer="A", version=s1.version)
    assert client.post(edit_url("S1"), post).status_code == 302
    header = ["题目编号", "题型", "题目类别", "题干", "选项A", "选项B", "答案"]
    outcome = import_rows(
        "questions", [header, ["S2", "单选题", "精准扶贫", "台账改的题干", "甲", "乙", "A"]]
    )
    assert outcome.ok, messages(outcome)
    cadre = tr.personas.client("paired_cadre")
    page = cadre.get(reverse("training:attempt", args=[exam.code, attempt.number])).content.decode()
    assert "单选1" in page and "单选2" in page
    assert "新题干" not in page and "台账改的题干" not in page and "新A" not in page
    # B was right on the paper the cadre saw, and still scores.
    scored = attempt_submit(actor=SYSTEM, attempt=attempt, cadre=attempt.cadre)
    assert Answer.objects.get(attempt=attempt, question=s1).is_correct
    assert scored.correct == 1
    result = cadre.get(reverse("training:attempt-result", args=[exam.code, attempt.number])).content.decode()
    assert "单选1" in result and "新题干" not in result
    # A new attempt is drawn with the question as it stands now.
    fresh = attempt_start(actor=SYSTEM, exam=tr.exam("KS2"), cadre=tr.cadre("G3"))
    shown = QuestionRevision.objects.get(pk=fresh.revision_ids[0])
    assert (shown.text, shown.answer) == ("新题干", "A")


@pytest.mark.parametrize("persona", ["town_official", "work_team", "county_leader", "paired_cadre"])
def test_others_cannot_keep_the_bank(tr: Tr, persona: str) -> None:
    client = tr.personas.client(persona)
    assert client.get(NEW).status_code == 403
    client.post(NEW, question_post())
    client.post(reverse("training:question-active", args=["S1"]), {"version": "1", "active": "0"})
    assert not Question.objects.filter(code="S9").exists()
    assert Question.objects.get(code="S1").active
    with pytest.raises(PermissionDenied, match="题库由县扶贫办维护"):
        question_create(actor=SYSTEM, scope=tr.scope(persona), values=question_post())


def test_the_migration_records_the_papers_of_attempts_made_before_revisions(tr: Tr) -> None:
    from django.apps import apps

    record_papers = import_module("fupin.training.migrations.0002_question_revisions").record_papers
    attempt = attempt_start(actor=SYSTEM, exam=tr.exam(), cadre=tr.cadre("G3"))
    Attempt.objects.update(revision_ids=[])
    QuestionRevision.objects.all().delete()
    record_papers(apps, None)
    attempt.refresh_from_db()
    assert [r.question_id for r in attempt_paper(attempt)] == attempt.question_ids
    assert QuestionRevision.objects.count() == Question.objects.count()
