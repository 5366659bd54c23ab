"""Exams: papers fixed or drawn (deterministic per attempt, stored), answers saved as given and
refused after the deadline, scoring (multiple choice all-or-nothing), retakes, who may sit, and
results per cadre and unit with coverage, pass rate and the export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.training.models import Answer, Attempt, Exam, PaperKind, Question
from fupin.training.selectors.exams import exam_results
from fupin.training.services.exams import (
    GRACE,
    answer_save,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
    draw_paper,
    exam_update,
)
from fupin.training.tests.conftest import RIGHT, Tr


def codes_of(attempt: Attempt) -> list[str]:
    by_id = dict(Question.objects.values_list("pk", "code"))
    return [by_id[pk] for pk in attempt.question_ids]


def answer_all(attempt: Attempt, *, wrong: int = 0) -> None:
    """Answer every question right, except the first `wrong` ones (answered D)."""
    for i, code in enumerate(codes_of(attempt)):
        question = Question.objects.get(code=code)
        choice = "D" if i < wrong and question.kind != "judge" else ("B" if i < wrong else RIGHT[code[0]])
        answer_save(attempt=attempt, cadre=attempt.cadre, question_id=question.pk, choice=choice)


def test_a_fixed_paper_is_the_chosen_questions_in_order(tr: Tr) -> None:
    exam = tr.exam()
    attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"))
    assert codes_of(attempt) == ["S1", "S2", "M1", "M2", "J1"]


def test_a_random_paper_follows_the_rule_is_deterministic_and_stored(tr: Tr) -> None:
    exam = tr.exam(paper=PaperKind.RANDOM, draw_rule={"精准扶贫": 3, "小额信贷": 2, "两不愁三保障": 1})
    papers = {code: draw_paper(exam, code, 1) for code in ["G1", "G2", "G3", "G4", "G5"]}
    assert all(draw_paper(exam, code, 1) == paper for code, paper in papers.items())
    assert len({tuple(p) for p in papers.values()}) > 1  # cadres get different papers
    attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"))
    assert attempt.question_ids == papers["G3"]
    drawn = [c[0] for c in codes_of(attempt)]
    assert sorted(drawn) == ["J", "M", "M", "S", "S", "S"]
    # A question leaving the bank later does not change a paper already given.
    Question.objects.filter(pk=attempt.question_ids[0]).update(active=False)
    attempt.refresh_from_db()
    assert attempt.question_ids == papers["G3"]


def test_a_random_paper_needs_enough_questions_in_the_bank(tr: Tr) -> None:
    with pytest.raises(ApplicationError, match="题库题目不足：小额信贷（需5题，题库仅有3题）"):
        tr.exam(paper=PaperKind.RANDOM, draw_rule={"小额信贷": 5})
    with pytest.raises(ApplicationError, match="题目编号不存在或已停用：X9"):
        tr.exam(question_codes=["S1", "X9"])
    assert not Exam.objects.exists()


def test_scoring_marks_multiple_choice_all_or_nothing(tr: Tr) -> None:
    exam = tr.exam()
    attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"))
    ids = dict(Question.objects.values_list("code", "pk"))
    given = {"S1": "B", "S2": "C", "M1": "CA", "M2": "A", "J1": "A"}
    for code, choice in given.items():
        answer_save(attempt=attempt, cadre=attempt.cadre, question_id=ids[code], choice=choice)
    scored = attempt_submit(actor=SYSTEM, attempt=attempt, cadre=attempt.cadre)
    assert (scored.correct, scored.score, scored.passed, scored.timed_out) == (
        3,
        Decimal("60.0"),
        True,
        False,
    )
    marks = dict(Answer.objects.filter(attempt=attempt).values_list("question__code", "is_correct"))
    assert marks == {"S1": True, "S2": False, "M1": True, "M2": False, "J1": True}
    log = ChangeLog.objects.filter(
        object_type="training.attempt", object_id=attempt.pk, action="update"
    ).get()
    assert log.after is not None and log.after["得分"] == "60.0"


def test_a_newer_answer_is_kept_when_an_older_one_arrives_late(tr: Tr) -> None:
    attempt = attempt_start(actor=SYSTEM, exam=tr.exam(), cadre=tr.cadre("G3"))
    s1 = Question.objects.get(code="S1").pk
    now = timezone.now()
    answer_save(attempt=attempt, cadre=attempt.cadre, question_id=s1, choice="C", answered_at=now)
    answer_save(
        attempt=attempt,
        cadre=attempt.cadre,
        question_id=s1,
        choice="A",
        answered_at=now - dt.timedelta(seconds=20),
    )
    assert Answer.objects.get().choice == "C"


def test_answers_are_refused_after_the_deadline_and_the_attempt_scored_with_what_was_saved(tr: Tr) -> None:
    exam = tr.exam(time_limit_minutes=10)
    start = timezone.now()
    attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"), now=start)
    assert attempt.deadline == start + dt.timedelta(minutes=10)
    ids = dict(Question.objects.values_list("code", "pk"))
    answer_save(
        attempt=attempt,
        cadre=attempt.cadre,
        question_id=ids["S1"],
        choice="B",
        now=start + dt.timedelta(minutes=5),
    )
    # Within the grace after the deadline, still taken; after it, refused.
    answer_save(
        attempt=attempt, cadre=attempt.cadre, question_id=ids["S2"], choice="B",
        now=attempt.deadline + GRACE - dt.timedelta(seconds=1),
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="已超过答题时限"):
        answer_save(
            attempt=attempt,
            cadre=attempt.cadre,
            question_id=ids["M1"],
            choice="AC",
            now=attempt.deadline + GRACE + dt.timedelta(seconds=1),
        )
    assert attempts_close_expired(actor=SYSTEM, now=attempt.deadline + dt.timedelta(minutes=5)) == 1
    attempt.refresh_from_db()
    assert (attempt.correct, attempt.score, attempt.passed, attempt.timed_out) == (
        2,
        Decimal("40.0"),
        False,
        True,
    )
    with pytest.raises(ApplicationError, match="已交卷"):
        answer_save(attempt=attempt, cadre=attempt.cadre, question_id=ids["M1"], choice="AC")


def test_a_question_outside_the_paper_or_a_bad_choice_is_refused(tr: Tr) -> None:
    attempt = attempt_start(actor=SYSTEM, exam=tr.exam(), cadre=tr.cadre("G3"))
    ids = dict(Question.objects.values_list("code", "pk"))
    with pytest.raises(ApplicationError, match="该题不在您的试卷中"):
        answer_save(attempt=attempt, cadre=attempt.cadre, question_id=ids["S4"], choice="B")
    with pytest.raises(ApplicationError, match="该题只能选一个答案"):
        answer_save(attempt=attempt, cadre=attempt.cadre, question_id=ids["S1"], choice="AB")
    with pytest.raises(ApplicationError, match="选项无效"):
        answer_save(attempt=attempt, cadre=attempt.cadre, question_id=ids["J1"], choice="C")
    with pytest.raises(PermissionDenied):
        answer_save(attempt=attempt, cadre=tr.cadre("G4"), question_id=ids["S1"], choice="B")
    assert not Answer.objects.exists()


def test_retakes_up_to_the_maximum_and_none_after_passing(tr: Tr) -> None:
    exam = tr.exam(max_attempts=2)
    g3, g4 = tr.cadre("G3"), tr.cadre("G4")
    first = attempt_start(actor=SYSTEM, exam=exam, cadre=g3)
    assert attempt_start(actor=SYSTEM, exam=exam, cadre=g3) == first  # resumes, not a new one
    answer_all(first, wrong=3)
    assert not attempt_submit(actor=SYSTEM, attempt=first, cadre=g3).passed
    second = attempt_start(actor=SYSTEM, exam=exam, cadre=g3)
    assert second.number == 2
    answer_all(second, wrong=3)
    attempt_submit(actor=SYSTEM, attempt=second, cadre=g3)
    with pytest.raises(ApplicationError, match="最多作答2次"):
        attempt_start(actor=SYSTEM, exam=exam, cadre=g3)
    passed = attempt_start(actor=SYSTEM, exam=exam, cadre=g4)
    answer_all(passed)
    assert attempt_submit(actor=SYSTEM, attempt=passed, cadre=g4).score == Decimal("100.0")
    with pytest.raises(ApplicationError, match="已通过本次考试"):
        attempt_start(actor=SYSTEM, exam=exam, cadre=g4)


def test_only_the_cadres_of_the_exams_area_sit_it_and_only_while_open(tr: Tr) -> None:
    exam = tr.exam(area=tr.county.town_a)
    with pytest.raises(PermissionDenied, match="不在本次考试的范围内"):
        attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G5"))  # a town's own staff hold no assignment
    county = tr.exam("KS2")
    with pytest.raises(PermissionDenied):
        attempt_start(actor=SYSTEM, exam=county, cadre=tr.cadre("G9"))  # another county's cadre
    attempt_start(actor=SYSTEM, exam=county, cadre=tr.cadre("G4"))  # a unit without area, under a county unit
    later = tr.exam("KS3", opens_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(ApplicationError, match="考试尚未开始"):
        attempt_start(actor=SYSTEM, exam=later, cadre=tr.cadre("G3"))
    with pytest.raises(ApplicationError, match="考试已截止"):
        attempt_start(actor=SYSTEM, exam=county, cadre=tr.cadre("G3"), now=county.closes_at)


def test_the_deadline_never_passes_the_close(tr: Tr) -> None:
    now = timezone.now()
    exam = tr.exam(closes_at=now + dt.timedelta(minutes=5), time_limit_minutes=30)
    assert attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"), now=now).deadline == exam.closes_at


def test_results_per_unit_and_cadre_with_coverage_pass_rate_and_export(tr: Tr) -> None:
    exam = tr.exam()
    for code, wrong in [("G1", 0), ("G2", 3), ("G3", 1)]:
        attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre(code))
        answer_all(attempt, wrong=wrong)
        attempt_submit(actor=SYSTEM, attempt=attempt, cadre=attempt.cadre)
    retake = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G2"))
    answer_all(retake)
    attempt_submit(actor=SYSTEM, attempt=retake, cadre=retake.cadre)
    results = exam_results(tr.scope("office_staff"), exam)
    assert (results.total.cadres, results.total.examined, results.total.passed, results.total.attempts) == (
        7,
        3,
        3,
        4,
    )
    assert (results.total.coverage, results.total.pass_rate) == (42.9, 100.0)
    units = {r.label: (r.cadres, r.examined, r.passed, r.attempts) for r in results.by_unit}
    assert units["县扶贫开发局"] == (2, 2, 2, 3) and units["县农业农村局"] == (2, 1, 1, 1)
    best = {c.code: (c.attempts, c.best, c.passed) for c in results.cadres}
    assert best["G2"] == (2, Decimal("100.0"), True) and best["G3"] == (1, Decimal("80.0"), True)
    assert best["G5"] == (0, None, False)
    unit = exam_results(tr.scope("unit_user"), exam)
    assert {c.code for c in unit.cadres} == {"G3", "G4", "G7"}
    response = tr.personas.client("office_staff").get(
        reverse("training:exam-detail", args=[exam.code]), {"format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content))["干部成绩"]
    rows = {r[0]: r for r in ([c.value for c in row] for row in sheet.iter_rows(min_row=3))}
    assert rows["G2"][3:] == [2, 100.0, "是"] and rows["G5"][3:] == [0, None, "未参考"]


def test_an_exam_edit_with_a_stale_version_is_refused_and_attempts_cannot_shrink(tr: Tr) -> None:
    exam = tr.exam(max_attempts=3)
    closes = exam.closes_at + dt.timedelta(days=1)
    exam_update(
        actor=SYSTEM, scope=EVERYTHING, exam=exam, version=1, title="新名称", closes_at=closes, max_attempts=3
    )
    with pytest.raises(ConflictError):
        exam_update(
            actor=SYSTEM,
            scope=EVERYTHING,
            exam=exam,
            version=1,
            title="再改",
            closes_at=closes,
            max_attempts=3,
        )
    for _ in range(2):
        attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"))
        attempt_submit(actor=SYSTEM, attempt=attempt, cadre=attempt.cadre)
    exam.refresh_from_db()
    with pytest.raises(ApplicationError, match="不能减少"):
        exam_update(
            actor=SYSTEM, scope=EVERYTHING, exam=exam, version=2, title="x", closes_at=closes, max_attempts=1
        )
    with pytest.raises(PermissionDenied):
        exam_update(
            actor=SYSTEM,
            scope=tr.scope("town_official"),
            exam=exam,
            version=2,
            title="x",
            closes_at=closes,
            max_attempts=3,
        )
    exam.refresh_from_db()
    assert (exam.title, exam.version, exam.max_attempts) == ("新名称", 2, 3)


def test_the_exams_close_command_scores_what_was_left_open(tr: Tr) -> None:
    from io import StringIO

    from django.core.management import call_command

    attempt = attempt_start(actor=SYSTEM, exam=tr.exam(), cadre=tr.cadre("G3"))
    answer_all(attempt)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    out = StringIO()
    call_command("exams-close", stdout=out)
    assert "已为 1 份超时答卷评分" in out.getvalue()
    attempt.refresh_from_db()
    assert (attempt.timed_out, attempt.score) == (True, Decimal("100.0"))


def test_the_beat_task_scores_what_was_left_open_once(tr: Tr) -> None:
    from fupin.celery import app
    from fupin.training.tasks import CLOSE_EXPIRED_TASK, close_expired_attempts

    assert app.conf.beat_schedule["training-close-expired-attempts"]["task"] == CLOSE_EXPIRED_TASK
    attempt = attempt_start(actor=SYSTEM, exam=tr.exam(), cadre=tr.cadre("G3"))
    answer_all(attempt)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    assert close_expired_attempts.delay().get() == 1
    assert close_expired_attempts.delay().get() == 0
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.score == Decimal("100.0")
