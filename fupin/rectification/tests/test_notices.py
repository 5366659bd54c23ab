"""Deadlines and escalation (整改提醒): who is told what and when, once per problem, kind and
deadline; the DingTalk robot told through a real local HTTP server, and a robot that fails never
losing a notice; the command, the task and its daily schedule; the in-app page and marking read."""

from __future__ import annotations

import datetime as dt
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from fupin.areas.models import CountySetting
from fupin.conftest import SYSTEM
from fupin.core.models import ChangeLog
from fupin.core.tests.robot import Robot
from fupin.ledgers.tests.helpers import import_rows, messages, run_command
from fupin.rectification.models import Notice, NoticeKind
from fupin.rectification.services.notices import problems_escalate
from fupin.rectification.tasks import ESCALATE_TASK, escalate_problems
from fupin.rectification.tests.conftest import Rect
from fupin.rectification.tests.test_board import HEADER, ledger_row

D = dt.date
DAY = D(2019, 12, 10)
COUNTY, A1 = "610727000000", "610727100200"
K = NoticeKind
PAGE = "/rectification/notices/"
READ = "/rectification/notices/read/"


def _problem(code: str, deadline: str, status: str = "整改中", **cells: str) -> list[str]:
    return ledger_row(code, A1, "住房安全", "U2", status, 整改时限=deadline, 发现日期="2019-11-01", **cells)


@pytest.fixture
def due(rect: Rect) -> Rect:
    rows = [
        HEADER,
        _problem("N1", "2019-12-13"),  # three days away: the person
        _problem("N2", "2019-12-09", 责任人干部编号="G5"),  # a day late: the leader
        _problem(
            "N3", "2019-12-02", 责任领导干部编号=""
        ),  # 8 days late, no leader: the person, and the office
        _problem("N4", "2019-12-03"),  # 7 days late: not yet the office
        _problem("N5", "2019-12-01", "已整改", 完成日期="2019-12-05"),  # rectified
        _problem("N6", "2019-12-12"),  # two days away
        _problem("N7", "2019-12-14"),  # four days away
        _problem("N8", "", "未整改"),  # no deadline
        _problem("N9", "2019-12-13", 责任领导干部编号="", 责任人干部编号=""),  # nobody named: the office
        _problem("N10", "2019-12-09", "已整改", 完成日期="2019-12-11"),  # rectified only after the day
    ]
    outcome = import_rows("problems", rows)
    assert outcome.ok, messages(outcome)
    return rect


def sent() -> set[tuple[str, str, str]]:
    """(problem, kind, recipient: cadre code or the office's area code) of every notice."""
    return {
        (n.problem.code, n.kind, n.recipient_cadre.code if n.recipient_cadre else n.recipient_area_code)
        for n in Notice.objects.select_related("problem", "recipient_cadre")
    }


# -- who, what, when --------------------------------------------------------------------------
def test_the_days_notices_go_to_the_person_the_leader_and_the_office(due: Rect) -> None:
    run = problems_escalate(actor=SYSTEM, day=DAY)
    assert sent() == {
        ("N1", K.DUE_SOON, "G3"),
        ("N9", K.DUE_SOON, COUNTY),
        ("N2", K.OVERDUE, "G1"),
        ("N3", K.OVERDUE, "G3"),
        ("N3", K.LONG_OVERDUE, COUNTY),
        ("N4", K.OVERDUE, "G1"),
        ("N10", K.OVERDUE, "G1"),
    }
    assert run.created == {K.DUE_SOON: 2, K.OVERDUE: 4, K.LONG_OVERDUE: 1}
    assert (run.total, run.pushed, run.push_failed) == (7, 0, 0)
    assert Notice.objects.filter(webhook_result="").count() == 7  # no robot configured


def test_the_messages_name_the_problem_and_its_deadline(due: Rect) -> None:
    problems_escalate(actor=SYSTEM, day=DAY)
    soon = Notice.objects.get(problem__code="N1")
    assert soon.message == (
        "【整改提醒】孙科员：问题N1“住房安全方面的问题N1”（黄家坝村）的整改时限为2019年12月13日，"
        "还有3天到期，请抓紧整改并及时上传整改佐证。"
    )
    assert soon.deadline == D(2019, 12, 13)
    late = Notice.objects.get(problem__code="N2")
    assert late.message == (
        "【逾期提醒】赵县长：问题N2“住房安全方面的问题N2”（黄家坝村）的整改时限2019年12月9日已过，"
        "已逾期1天仍未整改完成（责任单位：县农业农村局），请督促立即整改。"
    )
    office = Notice.objects.get(problem__code="N3", kind=K.LONG_OVERDUE)
    assert office.message.startswith("【逾期督办】县扶贫办：问题N3")
    assert "整改时限为2019年12月2日，已逾期8天仍未整改完成" in office.message


def test_once_per_problem_kind_and_deadline_and_the_next_day_adds_only_whats_new(due: Rect) -> None:
    problems_escalate(actor=SYSTEM, day=DAY)
    again = problems_escalate(actor=SYSTEM, day=DAY)
    assert again.total == 0
    assert Notice.objects.count() == 7
    before = sent()
    problems_escalate(actor=SYSTEM, day=DAY + dt.timedelta(days=1))
    assert sent() - before == {("N7", K.DUE_SOON, "G3"), ("N4", K.LONG_OVERDUE, COUNTY)}


def test_before_the_window_nothing_and_a_new_deadline_starts_afresh(due: Rect) -> None:
    assert problems_escalate(actor=SYSTEM, day=D(2019, 11, 1)).total == 0
    problems_escalate(actor=SYSTEM, day=DAY)
    outcome = import_rows("problems", [HEADER, _problem("N2", "2019-12-20", 责任人干部编号="G5")])
    assert outcome.ok, messages(outcome)
    assert problems_escalate(actor=SYSTEM, day=D(2019, 12, 17)).created[K.DUE_SOON] >= 1
    assert ("N2", K.DUE_SOON, "G5") in sent()
    problems_escalate(actor=SYSTEM, day=D(2019, 12, 21))
    deadlines = set(
        Notice.objects.filter(problem__code="N2", kind=K.OVERDUE).values_list("deadline", flat=True)
    )
    assert deadlines == {D(2019, 12, 9), D(2019, 12, 20)}


def test_only_the_counties_named_are_run_and_the_change_log_keeps_each_notice(due: Rect) -> None:
    assert problems_escalate(actor=SYSTEM, day=DAY, county_codes=["610726000000"]).total == 0
    problems_escalate(actor=SYSTEM, day=DAY, county_codes=[COUNTY])
    assert ChangeLog.objects.filter(object_type="rectification.notice", action="create").count() == 7


# -- the DingTalk robot -----------------------------------------------------------------------
def _webhook(rect: Rect, url: str) -> None:
    CountySetting.objects.create(county=rect.county.county, name="dingtalk_webhook", value=url)


def test_the_robot_is_told_each_notice_at_mentioning_the_recipient(
    due: Rect, robot: tuple[Robot, str]
) -> None:
    state, url = robot
    _webhook(due, url)
    run = problems_escalate(actor=SYSTEM, day=DAY)
    assert (run.pushed, run.push_failed) == (7, 0)
    assert len(state.received) == 7
    soon = Notice.objects.get(problem__code="N1")
    posted = next(body for body in state.received if "问题N1“" in body["text"]["content"])
    assert posted == {
        "msgtype": "text",
        "text": {"content": soon.message + " @13800000003"},
        "at": {"atMobiles": ["13800000003"]},
    }
    office = next(body for body in state.received if body["text"]["content"].startswith("【逾期督办】"))
    assert office["at"] == {"atMobiles": []}
    assert set(Notice.objects.values_list("webhook_result", flat=True)) == {"ok"}
    problems_escalate(actor=SYSTEM, day=DAY)
    assert len(state.received) == 7  # a rerun tells the robot nothing more


@pytest.mark.parametrize(
    ("status", "answer", "result"),
    [
        (500, {"errcode": 0}, "500"),
        (200, {"errcode": 310000, "errmsg": "keywords not in content"}, "keywords not in content"),
    ],
)
def test_a_failing_robot_never_loses_a_notice(
    due: Rect, robot: tuple[Robot, str], status: int, answer: dict[str, Any], result: str
) -> None:
    state, url = robot
    state.status, state.answer = status, answer
    _webhook(due, url)
    run = problems_escalate(actor=SYSTEM, day=DAY)
    assert (run.total, run.pushed, run.push_failed) == (7, 0, 7)
    assert len(state.received) == 7
    # The robot's answer in the sender's words (fupin.core.dingtalk), kept on every notice.
    results = set(Notice.objects.values_list("webhook_result", flat=True))
    assert len(results) == 1 and result in results.pop()


def test_an_unreachable_robot_never_loses_a_notice(due: Rect) -> None:
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there any more
    _webhook(due, f"http://127.0.0.1:{port}/robot/send")
    run = problems_escalate(actor=SYSTEM, day=DAY)
    assert (run.total, run.push_failed) == (7, 7)
    results = set(Notice.objects.values_list("webhook_result", flat=True))
    assert len(results) == 1 and results.pop() not in {"", "ok"}


# -- the command, the task, the schedule ------------------------------------------------------
def test_the_command_runs_a_day(due: Rect) -> None:
    out, err, error = run_command("problems-escalate", "--date", "2019-12-10")
    assert error is None, err
    assert "新提醒7条（即将到期2条，已逾期4条，逾期超过7天1条）" in out
    out, _, _ = run_command("problems-escalate", "--date", "2019-12-10", "--area", "610727100200")
    assert "新提醒0条" in out
    _, _, error = run_command("problems-escalate", "--date", "12/10/2019")
    assert error is not None and "YYYY-MM-DD" in str(error)
    _, _, error = run_command("problems-escalate", "--area", "610799000000")
    assert error is not None


def test_the_task_and_its_daily_schedule(due: Rect) -> None:
    from fupin.celery import app

    assert escalate_problems("2019-12-10") == 7
    assert escalate_problems.delay("2019-12-10").get() == 0
    entry = app.conf.beat_schedule["rectification-daily-escalation"]
    assert entry["task"] == ESCALATE_TASK
    assert entry["schedule"].hour == {7}


# -- in the platform --------------------------------------------------------------------------
def test_each_user_reads_their_own_notices_and_the_office_reads_the_countys(due: Rect) -> None:
    problems_escalate(actor=SYSTEM, day=DAY)

    def seen(persona: str) -> set[str]:
        response = due.personas.client(persona).get(PAGE)
        assert response.status_code == 200
        return {f"{n.problem.code}:{n.kind}" for n in response.context["page_obj"]}

    assert seen("paired_cadre") == {"N1:due_soon", "N3:overdue"}  # G3
    assert seen("county_leader") == {"N2:overdue", "N4:overdue", "N10:overdue"}  # G1
    assert seen("county_admin") == {"N3:long_overdue", "N9:due_soon"}
    assert seen("office_staff") == {"N3:long_overdue", "N9:due_soon"}
    assert seen("town_official") == set()
    assert seen("outsider") == set()
    assert due.personas.client("public").get(PAGE).status_code == 403


def test_marking_read_one_or_all_and_never_someone_elses(due: Rect) -> None:
    problems_escalate(actor=SYSTEM, day=DAY)
    client = due.personas.client("paired_cadre")
    mine = Notice.objects.get(problem__code="N1")
    theirs = Notice.objects.get(problem__code="N2")
    assert client.post(READ, {"notice": mine.pk}).status_code == 302
    assert client.post(READ, {"notice": theirs.pk}).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert client.get(PAGE).context["unread"] == 1
    client.post(READ, {"all": "1"})
    assert not Notice.objects.filter(recipient_cadre__code="G3", read_at__isnull=True).exists()
    assert Notice.objects.filter(read_at__isnull=True).count() == 5
    change = ChangeLog.objects.filter(object_type="rectification.notice", action="update").first()
    assert change is not None and ("已读", False, True) in change.changed_fields()
    assert client.get(READ).status_code == 405


def test_the_page_costs_the_same_few_queries_however_many_notices(
    due: Rect, django_assert_max_num_queries: Any
) -> None:
    client = due.personas.client("county_admin")
    problems_escalate(actor=SYSTEM, day=DAY)
    client.get(PAGE)
    with django_assert_max_num_queries(16) as before:
        assert len(client.get(PAGE).context["page_obj"]) == 2
    problems_escalate(actor=SYSTEM, day=DAY + dt.timedelta(days=1))
    with django_assert_max_num_queries(16) as after:
        assert len(client.get(PAGE).context["page_obj"]) == 3
    assert len(after.captured_queries) == len(before.captured_queries)
