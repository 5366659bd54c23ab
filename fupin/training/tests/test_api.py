"""The training API: scoped lists, sign-in from another app, exam results per unit."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from fupin.conftest import SYSTEM
from fupin.training.models import Attendance, Question
from fupin.training.services.exams import answer_save, attempt_start, attempt_submit
from fupin.training.tests.conftest import RIGHT, Tr


def test_the_training_list_follows_the_scope_and_the_period(tr: Tr) -> None:
    tr.training("县级培训", attendees=("G1", "G3"))
    tr.training("外县培训", area=tr.county.other_county, organiser=tr.county.other_unit, attendees=("G9",))
    url = reverse("api-training-list")
    rows = tr.personas.client("office_staff").get(url, {"year": "2019", "month": "11"}).json()["results"]
    assert [(r["topic"], r["person_times"], r["organiser_code"]) for r in rows] == [("县级培训", 2, "U1")]
    assert (
        tr.personas.client("office_staff").get(url, {"year": "2019", "month": "10"}).json()["results"] == []
    )
    assert [r["topic"] for r in tr.personas.client("outsider").get(url).json()["results"]] == ["外县培训"]
    assert tr.personas.client("work_team").get(url).json()["results"] == []
    assert tr.personas.client("public").get(url).status_code == 403


def test_a_cadre_signs_in_through_the_api_once(tr: Tr) -> None:
    training = tr.training(day=timezone.localdate())
    url = reverse("api-training-sign-in", args=[training.code])
    client = tr.personas.client("paired_cadre")
    assert client.post(url, {"token": "guess"}).status_code == 400
    assert client.post(url, {"token": training.sign_in_token}).status_code == 201
    assert client.post(url, {"token": training.sign_in_token}).status_code == 200
    assert tr.personas.client("office_staff").post(url, {"token": training.sign_in_token}).status_code == 403
    assert list(Attendance.objects.values_list("cadre__code", flat=True)) == ["G3"]


def test_exam_results_per_unit_in_scope(tr: Tr) -> None:
    exam = tr.exam()
    attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre("G3"))
    codes = dict(Question.objects.values_list("pk", "code"))
    for pk in attempt.question_ids:
        answer_save(attempt=attempt, cadre=attempt.cadre, question_id=pk, choice=RIGHT[codes[pk][0]])
    attempt_submit(actor=SYSTEM, attempt=attempt, cadre=attempt.cadre)
    url = reverse("api-exam-results", args=[exam.code])
    body = tr.personas.client("unit_user").get(url).json()
    total = body["total"]
    assert (total["cadres"], total["examined"], total["passed"], total["attempts"]) == (3, 1, 1, 1)
    assert (total["coverage"], total["pass_rate"]) == (33.3, 100.0)
    assert tr.personas.client("paired_cadre").get(url).status_code == 404
    assert tr.personas.client("outsider").get(url).status_code == 404
