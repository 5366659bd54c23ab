"""On a phone (390×844): a paired cadre takes an exam, the connection is cut after two answers, it
goes on answering (kept on the phone, shown as 待发送), the connection comes back, everything is sent
and 交卷 scores every answer given; 交卷 offline waits for the network; a reload keeps the answers
not yet sent, and an opened exam page comes back on a reload with no network at all (the service
worker's copy, with the answers the phone keeps). And a cadre signs in to a training by the
session's QR link."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_started
from django.utils import timezone

from fupin.conftest import EVERYTHING, PASSWORD, SYSTEM, Personas
from fupin.training.models import Answer, Attempt, Attendance, Exam, PaperKind, Question
from fupin.training.services.exams import exam_create
from fupin.training.services.questions import questions_upsert
from fupin.training.services.trainings import training_create
from fupin.training.tests.conftest import bank_rows
from fupin.training.views import taking
from fupin.web.tests.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Any) -> Iterator[tuple[Any, Any]]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield context, page
    context.close()


@pytest.fixture
def exam(personas: Personas) -> Exam:
    questions_upsert(actor=SYSTEM, rows=bank_rows())
    now = timezone.now()
    return exam_create(
        actor=SYSTEM, scope=EVERYTHING, code="KS1", title="脱贫攻坚政策知识考试", area=personas.county.county,
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=3), time_limit_minutes=30,
        pass_mark=60, max_attempts=1, paper_kind=PaperKind.FIXED,
        question_codes=["S1", "M1", "J1", "S2", "M2", "J2"],
    )  # fmt: skip


def _log_in(page: Any, base: str, path: str) -> None:
    page.goto(f"{base}{path}")
    if "/login/" in page.url:
        page.get_by_label("账号").fill("paired_cadre")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(re.escape(path) + "$"))


def _answer(page: Any, code: str, letters: str) -> None:
    question = page.locator(f'fieldset[data-question="{code}"]')
    for letter in letters:
        question.locator(f'input[value="{letter}"]').check()


def _state(page: Any, code: str) -> str:
    return str(page.locator(f'fieldset[data-question="{code}"]').get_attribute("data-state"))


def _wait_saved(page: Any, count: int) -> None:
    page.locator(f'#exam-status[data-saved="{count}"][data-pending="0"]').wait_for()


def test_an_exam_on_a_phone_keeps_every_answer_through_a_cut_connection(
    phone: tuple[Any, Any], live_server: Any, exam: Exam
) -> None:
    context, page = phone
    _log_in(page, live_server.url, "/exams/mine/")
    page.get_by_role("button", name="开始答题").click()
    page.wait_for_url(re.compile(r"/exams/KS1/attempt/1/$"))
    assert page.locator("fieldset[data-question]").count() == 6
    assert re.match(r"\d\d:\d\d", page.locator("#exam-timer").inner_text())

    # Online: each answer reaches the server as it is given.
    _answer(page, "S1", "B")
    _answer(page, "M1", "AC")
    _wait_saved(page, 2)
    assert dict(Answer.objects.values_list("question__code", "choice")) == {"S1": "B", "M1": "AC"}

    # The connection is cut: answers go on, kept on the phone and shown as waiting.
    context.set_offline(True)
    page.locator("#exam-offline").wait_for(state="visible")
    _answer(page, "J1", "A")
    _answer(page, "S2", "C")  # wrong
    _answer(page, "M2", "A")
    page.locator('#exam-status[data-pending="3"]').wait_for()
    assert _state(page, "J1") == "pending" and "待发送" in page.locator("#exam-status").inner_text()
    assert Answer.objects.count() == 2
    # Changing an answer while offline: the latest choice is what is sent.
    _answer(page, "S2", "B")

    # Back online: everything waiting is sent by itself.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _wait_saved(page, 5)
    assert page.locator("#exam-offline").is_hidden()
    saved = dict(Answer.objects.values_list("question__code", "choice"))
    assert saved == {"S1": "B", "M1": "AC", "J1": "A", "S2": "B", "M2": "A"}

    # The last answer given, then 交卷: every answer is kept and scored.
    _answer(page, "J2", "B")  # wrong
    _wait_saved(page, 6)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    page.wait_for_url(re.compile(r"/exams/KS1/attempt/1/result/$"))
    attempt = Attempt.objects.get()
    assert (attempt.correct, str(attempt.score), attempt.passed, attempt.timed_out) == (
        4,
        "66.7",
        True,
        False,
    )
    marks = dict(Answer.objects.values_list("question__code", "is_correct"))
    assert marks == {"S1": True, "M1": True, "J1": True, "S2": True, "M2": False, "J2": False}
    assert "66.7" in page.locator("#attempt-score").inner_text()


def test_answers_given_offline_survive_a_reload_and_submit_waits_for_them(
    phone: tuple[Any, Any], live_server: Any, exam: Exam
) -> None:
    context, page = phone
    _log_in(page, live_server.url, "/exams/mine/")
    page.get_by_role("button", name="开始答题").click()
    page.wait_for_url(re.compile(r"/exams/KS1/attempt/1/$"))
    url = page.url
    _answer(page, "S1", "B")
    _wait_saved(page, 1)
    context.set_offline(True)
    _answer(page, "M1", "AC")
    _answer(page, "J1", "A")
    page.locator('#exam-status[data-pending="2"]').wait_for()
    # 交卷 while offline: it waits for the answers, and goes through once the network is back.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    page.locator("#exam-error", has_text="网络恢复后将自动").wait_for()
    assert not Attempt.objects.filter(scored_at__isnull=False).exists()
    context.set_offline(False)
    page.wait_for_url(re.compile(r"/result/$"))
    attempt = Attempt.objects.get()
    assert attempt.correct == 3 and Answer.objects.count() == 3
    assert url.endswith("/exams/KS1/attempt/1/")


def test_a_reload_keeps_the_answers_not_yet_sent(
    phone: tuple[Any, Any], live_server: Any, exam: Exam
) -> None:
    _, page = phone
    _log_in(page, live_server.url, "/exams/mine/")
    page.get_by_role("button", name="开始答题").click()
    page.wait_for_url(re.compile(r"/exams/KS1/attempt/1/$"))
    # The answer's request is lost on the way: the phone keeps the answer as waiting.
    page.route("**/answer/", lambda route: route.abort())
    _answer(page, "M1", "AC")
    page.locator('#exam-status[data-pending="1"]').wait_for()
    page.unroute("**/answer/")
    page.route("**/answer/", lambda route: route.abort())  # still failing while the page reloads
    page.reload()
    assert _state(page, "M1") == "pending"
    assert page.locator('fieldset[data-question="M1"] input[value="C"]').is_checked()
    page.unroute("**/answer/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _wait_saved(page, 1)
    assert dict(Answer.objects.values_list("question__code", "choice")) == {"M1": "AC"}


KEPT = """async () => {
  await navigator.serviceWorker.ready;
  for (let i = 0; i < 50; i++) {
    if (await caches.match(location.pathname)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}"""


def test_an_opened_exam_survives_a_reload_with_no_network(
    phone: tuple[Any, Any], live_server: Any, exam: Exam, monkeypatch: Any
) -> None:
    context, page = phone
    _log_in(page, live_server.url, "/exams/mine/")
    page.get_by_role("button", name="开始答题").click()
    page.wait_for_url(re.compile(r"/exams/KS1/attempt/1/$"))
    # The page keeps itself in the phone's cache (the service worker) as soon as it is opened.
    assert page.evaluate(KEPT)
    _answer(page, "S1", "B")
    _wait_saved(page, 1)  # sent after the page was kept: the copy does not show it, the phone does
    # The browser's offline switch may let a request of a page just reloaded slip out: an answer that
    # does is held on the server until the network is back, as if it were still on its way.
    back_online = threading.Event()
    save = taking.answer_save
    monkeypatch.setattr(taking, "answer_save", lambda **kw: back_online.wait(30) and save(**kw))
    context.set_offline(True)
    _answer(page, "M1", "AC")
    page.locator('#exam-status[data-pending="1"]').wait_for()
    hits: list[str] = []

    def hit(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        hits.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")

    request_started.connect(hit)
    page.reload()
    page.locator("fieldset[data-question]").first.wait_for()
    assert page.locator("fieldset[data-question]").count() == 6
    assert page.locator("#exam-offline").is_visible()
    assert page.locator('fieldset[data-question="S1"] input[value="B"]').is_checked()
    assert _state(page, "S1") == "saved"
    assert page.locator('fieldset[data-question="M1"] input[value="C"]').is_checked()
    assert _state(page, "M1") == "pending"
    assert re.match(r"\d\d:\d\d", page.locator("#exam-timer").inner_text())
    request_started.disconnect(hit)
    # The page did not reach the server: it came from the phone's cache.
    assert not [h for h in hits if h.startswith("GET")], hits
    assert Answer.objects.count() == 1
    # Another answer on the page from the cache, then the network returns: all are sent.
    _answer(page, "J1", "A")
    back_online.set()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _wait_saved(page, 3)
    saved = dict(Answer.objects.values_list("question__code", "choice"))
    assert saved == {"S1": "B", "M1": "AC", "J1": "A"}


def test_a_cadre_signs_in_to_a_training_with_the_qr_link(
    phone: tuple[Any, Any], live_server: Any, personas: Personas
) -> None:
    training = training_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        topic="扶贫小额信贷政策培训",
        day=timezone.localdate(),
        place="县委党校",
        organiser=personas.county.office_unit,
        kind="classroom",
        area=personas.county.county,
    )
    _, page = phone
    path = f"/training/{training.code}/sign-in/{training.sign_in_token}/"
    _log_in(page, live_server.url, path)
    assert "扶贫小额信贷政策培训" in page.content()
    page.get_by_role("button", name=re.compile("签到")).click()
    page.locator("#signed").wait_for()
    assert list(Attendance.objects.values_list("cadre__code", "method")) == [("G3", "phone")]
    assert Question.objects.count() == 0
