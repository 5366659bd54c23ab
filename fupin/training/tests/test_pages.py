"""The training and exam pages by persona, and the exam's JSON doors as the phone calls them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fupin.conftest import SYSTEM
from fupin.training.models import Answer, Attempt, Exam, Question, Training
from fupin.training.services.exams import attempt_start, attempt_submit
from fupin.training.tests.conftest import RIGHT, Tr

PERSONAS = [
    "county_admin",
    "county_leader",
    "office_staff",
    "unit_user",
    "town_official",
    "work_team",
    "paired_cadre",
]


def post_json(client: Client, url: str, data: dict[str, object]) -> dict[str, object]:
    response = client.post(url, data=json.dumps(data), content_type="application/json")
    body: dict[str, object] = response.json()
    body["status"] = response.status_code
    return body


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_staff_persona_opens_the_lists(tr: Tr, persona: str) -> None:
    client = tr.personas.client(persona)
    for name in ["training:training-list", "training:exam-list"]:
        assert client.get(reverse(name)).status_code == 200
    manages = persona in {"county_admin", "office_staff"}
    assert (client.get(reverse("training:question-list")).status_code == 200) is manages
    assert (client.get(reverse("training:exam-create")).status_code == 200) is manages
    has_cadre = persona in {"county_leader", "town_official", "work_team", "paired_cadre"}
    assert (client.get(reverse("training:exam-mine")).status_code == 200) is has_cadre


def test_the_public_and_strangers_are_kept_out(tr: Tr) -> None:
    exam = tr.exam()
    for url in [
        reverse("training:training-list"),
        reverse("training:exam-list"),
        reverse("training:exam-mine"),
    ]:
        assert tr.personas.client("public").get(url).status_code == 403
        assert Client().get(url).status_code == 302
    assert (
        tr.personas.client("outsider").get(reverse("training:exam-detail", args=[exam.code])).status_code
        == 404
    )
    answer = Client().post(
        reverse("training:attempt-answer", args=[exam.code, 1]), "{}", content_type="application/json"
    )
    assert answer.status_code == 401 and "登录已过期" in answer.json()["error"]


def test_the_question_bank_page_lists_and_filters(tr: Tr) -> None:
    body = (
        tr.personas.client("office_staff")
        .get(reverse("training:question-list"), {"category": "小额信贷"})
        .content.decode()
    )
    assert 'data-question="M1"' in body and 'data-question="S1"' not in body


def test_a_cadre_takes_an_exam_answer_by_answer_and_sees_its_score(tr: Tr) -> None:
    exam = tr.exam()
    phone = tr.personas.client("paired_cadre")
    mine = phone.get(reverse("training:exam-mine")).content.decode()
    assert f'data-exam="{exam.code}"' in mine
    started = phone.post(reverse("training:exam-start", args=[exam.code]))
    assert started.status_code == 302 and started["Location"] == reverse(
        "training:attempt", args=[exam.code, 1]
    )
    page = phone.get(started["Location"]).content.decode()
    assert page.count("<fieldset") == 5 and 'data-deadline="' in page and "training/exam.js" in page
    url = reverse("training:attempt-answer", args=[exam.code, 1])
    for code in ["S1", "S2", "M1", "M2"]:
        assert post_json(
            phone,
            url,
            {"question": code, "choice": RIGHT[code[0]], "answered_at": timezone.now().isoformat()},
        )["saved"]
    assert post_json(phone, url, {"question": "S4", "choice": "B"}) | {"status": 0} == {
        "error": "该题不在您的试卷中",
        "status": 0,
    }
    # Reloading the page shows what was saved.
    assert 'value="C" checked' in phone.get(started["Location"]).content.decode()
    # Another cadre cannot write into this attempt: it has none of its own.
    assert post_json(tr.personas.client("work_team"), url, {"question": "S1", "choice": "A"})["status"] == 404
    submitted = post_json(phone, reverse("training:attempt-submit", args=[exam.code, 1]), {})
    assert submitted["score"] == "80.0" and submitted["passed"] is True
    result = phone.get(reverse("training:attempt-result", args=[exam.code, 1])).content.decode()
    assert "得分 <b data-score>80.0</b>" in result
    assert post_json(phone, url, {"question": "J1", "choice": "A"})["error"] == "已交卷，不能再修改答案"
    assert Answer.objects.count() == 4


def test_an_attempt_left_open_is_scored_when_its_page_is_opened_after_the_deadline(tr: Tr) -> None:
    exam = tr.exam()
    phone = tr.personas.client("paired_cadre")
    phone.post(reverse("training:exam-start", args=[exam.code]))
    attempt = Attempt.objects.get()
    post_json(
        phone, reverse("training:attempt-answer", args=[exam.code, 1]), {"question": "S1", "choice": "B"}
    )
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))
    response = phone.get(reverse("training:attempt", args=[exam.code, 1]), follow=True)
    assert "超时自动交卷" in response.content.decode()
    attempt.refresh_from_db()
    assert (attempt.timed_out, attempt.correct, str(attempt.score)) == (True, 1, "20.0")


def test_a_cadre_outside_the_exam_is_told_why(tr: Tr) -> None:
    exam = tr.exam(area=tr.county.town_b)
    response = tr.personas.client("paired_cadre").post(reverse("training:exam-start", args=[exam.code]))
    assert response.status_code == 400 and "不在本次考试的范围内" in response.content.decode()
    assert not Attempt.objects.exists()


def test_the_exam_form_creates_a_random_exam_and_reports_bad_rules(tr: Tr) -> None:
    office = tr.personas.client("office_staff")
    now = timezone.localtime()
    data = {
        "code": "KS9",
        "title": "十一月政策考试",
        "area": tr.county.county.code,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_minutes": "20",
        "pass_mark": "60",
        "max_attempts": "2",
        "paper_kind": "random",
        "draw_rule": "精准扶贫：2\n小额信贷:9",
    }
    body = office.post(reverse("training:exam-create"), data).content.decode()
    assert "题库题目不足：小额信贷（需9题，题库仅有3题）" in body and not Exam.objects.exists()
    data["draw_rule"] = "精准扶贫：2\n小额信贷:1"
    assert office.post(reverse("training:exam-create"), data).status_code == 302
    assert Exam.objects.get().draw_rule == {"精准扶贫": 2, "小额信贷": 1}
    assert Question.objects.count() == 10


def test_list_pages_cost_a_fixed_number_of_queries(tr: Tr, django_assert_max_num_queries: Any) -> None:
    for n in range(25):
        tr.training(f"培训{n}", attendees=("G1", "G3"))
    exam = tr.exam()
    for code in ["G1", "G2", "G3"]:
        attempt = attempt_start(actor=SYSTEM, exam=exam, cadre=tr.cadre(code))
        attempt_submit(actor=SYSTEM, attempt=attempt, cadre=attempt.cadre)
    client = tr.personas.client("office_staff")
    for url in [
        reverse("training:training-list") + "?year=2019",
        reverse("training:coverage") + "?year=2019",
        reverse("training:exam-detail", args=[exam.code]),
        reverse("api-training-list"),
    ]:
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200


def test_the_training_forms_create_edit_and_refuse_a_stale_edit(tr: Tr) -> None:
    town = tr.personas.client("town_official")
    data = {
        "topic": "产业补助申报培训",
        "date": "2019-11-12",
        "place": "兴州街道会议室",
        "organiser": "U4",
        "kind": "topic",
        "area": tr.county.town_b.code,
        "notes": "",
    }
    refused = town.post(reverse("training:training-create"), data).content.decode()
    assert "您无权在该区划组织培训" in refused and not Training.objects.exists()
    data["area"] = tr.county.village_a1.code
    created = town.post(reverse("training:training-create"), data)
    training = Training.objects.get()
    assert created["Location"] == reverse("training:training-detail", args=[training.code])
    edit = reverse("training:training-edit", args=[training.code])
    assert town.post(edit, data | {"place": "石门沟村委会", "version": "1"}).status_code == 302
    stale = town.post(edit, data | {"place": "黄家坝村委会", "version": "1"}).content.decode()
    assert "该记录已被他人修改" in stale
    training.refresh_from_db()
    assert (training.place, training.version) == ("石门沟村委会", 2)
    assert tr.personas.client("paired_cadre").get(edit).status_code == 404  # not its training
    tr.training("县级培训", attendees=("G5",))
    county_training = Training.objects.get(topic="县级培训")
    # The town sees the county's training its cadre attended, but may not edit it.
    assert town.get(reverse("training:training-detail", args=[county_training.code])).status_code == 200
    assert town.get(reverse("training:training-edit", args=[county_training.code])).status_code == 403
