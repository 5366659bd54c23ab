"""Reminders: a cadre is reminded on the day they fall behind the pace of a rule (floor(N·k/L) valid
days by day k of a period of L days), not again while they stay behind, never twice a day; the
county's DingTalk robot is told through a real local HTTP server, and a robot that fails never
loses the reminder in the platform.

November 2019: Monday Nov 4 to Sunday Nov 10 is an ISO week. G2 (部门主要负责人, 4 days a week) visits
a village on Nov 4 only: one day is enough on Tuesday and Wednesday (floor(4·2/7) = floor(4·3/7) =
1) and too few on Thursday (floor(4·4/7) = 2). The 帮扶干部 (8 days a month) fall behind on Nov 4
(floor(8·4/30) = 1) unless they visited a household; the 县级领导 G1 (3 a week) on Wednesday.
"""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.areas.models import CountySetting
from fupin.conftest import SYSTEM
from fupin.core.models import ChangeLog
from fupin.core.tests.robot import Robot
from fupin.fieldwork.models import ApprovalLevel, CheckInKind, Leave, LeaveStatus, Reminder
from fupin.fieldwork.selectors.compliance import MONTH, WEEK, QuotaRule, unread_reminder_count
from fupin.fieldwork.services.reminders import reminder_message, reminders_due, reminders_send
from fupin.fieldwork.tests.conftest import VILLAGE_A1, Field
from fupin.fieldwork.views.compliance import unread_reminders
from fupin.people.scope import scope_for

D = dt.date


@pytest.fixture
def november(field: Field) -> Field:
    field.checkin("G2", CheckInKind.VILLAGE, field.county.village_a1, D(2019, 11, 4), at=VILLAGE_A1)
    return field


def due_on(field: Field, day: dt.date) -> list[tuple[str, str]]:
    return sorted((d.code, d.category) for d in reminders_due(county=field.county.county, day=day))


def test_the_message_names_the_days_and_the_rule() -> None:
    dept = QuotaRule("dept_head", frozenset({"village", "household"}), 4, WEEK)
    paired = QuotaRule("paired_cadre", frozenset({"household"}), 8, MONTH)
    leader = QuotaRule("county_leader", frozenset({"town", "village", "household"}), 3, WEEK)
    assert reminder_message(dept, 1) == "本周已驻村1天，按每周4天的要求已落后，请合理安排。"
    assert reminder_message(paired, 0) == "本月已入户0天，按每月8天的要求已落后，请合理安排。"
    assert reminder_message(leader, 0) == "本周已到镇村0天，按每周3天的要求已落后，请合理安排。"


def test_who_falls_behind_on_which_day(november: Field) -> None:
    paired = [("G1", "paired_cadre"), ("G2", "paired_cadre"), ("G3", "paired_cadre")]
    paired += [("G4", "paired_cadre"), ("G5", "paired_cadre")]
    assert due_on(november, D(2019, 11, 3)) == []
    assert due_on(november, D(2019, 11, 4)) == paired
    assert due_on(november, D(2019, 11, 5)) == []
    assert due_on(november, D(2019, 11, 6)) == [("G1", "county_leader")]
    assert due_on(november, D(2019, 11, 7)) == [("G2", "dept_head")]
    assert due_on(november, D(2019, 11, 8)) == []  # G2 was behind yesterday already


def test_behind_today_not_yesterday_makes_one_reminder_and_a_rerun_none(november: Field) -> None:
    run = reminders_send(actor=SYSTEM, day=D(2019, 11, 7))
    assert (run.created, run.already, run.pushed) == (1, 0, 0)
    reminder = Reminder.objects.get()
    assert (reminder.cadre.code, reminder.day, reminder.category) == ("G2", D(2019, 11, 7), "dept_head")
    assert reminder.message == "本周已驻村1天，按每周4天的要求已落后，请合理安排。"
    assert reminder.webhook_result == ""  # the county has no robot
    assert ChangeLog.objects.filter(object_type="fieldwork.reminder", action="create").count() == 1
    again = reminders_send(actor=SYSTEM, day=D(2019, 11, 7))
    assert (again.created, again.already) == (0, 1)
    assert Reminder.objects.count() == 1


def test_already_behind_yesterday_makes_none(november: Field) -> None:
    assert reminders_send(actor=SYSTEM, day=D(2019, 11, 8)).created == 0
    assert not Reminder.objects.exists()


def test_a_visit_that_keeps_the_pace_prevents_the_reminder(november: Field) -> None:
    november.checkin("G2", CheckInKind.VILLAGE, november.county.village_a1, D(2019, 11, 6), at=VILLAGE_A1)
    november.checkin("G2", CheckInKind.VILLAGE, november.county.village_a1, D(2019, 11, 6), at=VILLAGE_A1)
    # Two check-ins on Nov 6 are one day: 2 days by Thursday keep the pace (floor(16/7) = 2).
    assert due_on(november, D(2019, 11, 7)) == []
    # An invalid one does not count.
    november.checkin(
        "G3", CheckInKind.HOUSEHOLD, november.county.village_a1, D(2019, 11, 4), household="H1",
        at=VILLAGE_A1, accuracy="0",
    )  # fmt: skip
    assert ("G3", "paired_cadre") in due_on(november, D(2019, 11, 4))


def test_a_cadre_on_leave_that_day_is_not_reminded(november: Field) -> None:
    Leave.objects.create(
        cadre=november.cadre("G5"),
        start_date=D(2019, 11, 4),
        end_date=D(2019, 11, 5),
        reason="病假",
        status=LeaveStatus.APPROVED,
        approval_level=ApprovalLevel.COUNTY,
    )
    assert ("G5", "paired_cadre") not in due_on(november, D(2019, 11, 4))


# -- the DingTalk robot, as a real HTTP server ------------------------------------------------------
def set_webhook(field: Field, url: str) -> None:
    CountySetting.objects.create(county=field.county.county, name="dingtalk_webhook", value=url)


def test_the_robot_is_told_with_the_cadres_phone(november: Field, robot: tuple[Robot, str]) -> None:
    state, url = robot
    set_webhook(november, url)
    run = reminders_send(actor=SYSTEM, day=D(2019, 11, 7))
    assert (run.created, run.pushed, run.push_failed) == (1, 1, 0)
    assert state.paths == ["/robot/send?access_token=t0ken"]
    assert state.received == [
        {
            "msgtype": "text",
            "text": {
                "content": "考勤提醒：钱主任（部门主要负责人），"
                "本周已驻村1天，按每周4天的要求已落后，请合理安排。 @13800000002"
            },
            "at": {"atMobiles": ["13800000002"]},
        }
    ]
    assert Reminder.objects.get().webhook_result == "ok"
    reminders_send(actor=SYSTEM, day=D(2019, 11, 7))  # a rerun tells the robot nothing more
    assert len(state.received) == 1


def test_a_robot_answering_500_keeps_the_reminder(november: Field, robot: tuple[Robot, str]) -> None:
    state, url = robot
    state.status = 500
    set_webhook(november, url)
    run = reminders_send(actor=SYSTEM, day=D(2019, 11, 7))
    assert (run.created, run.pushed, run.push_failed) == (1, 0, 1)
    assert Reminder.objects.get().webhook_result == "钉钉返回HTTP 500"


def test_a_robot_refusing_the_message_keeps_the_reminder(november: Field, robot: tuple[Robot, str]) -> None:
    state, url = robot
    state.answer = {"errcode": 310000, "errmsg": "keywords not in content"}
    set_webhook(november, url)
    reminders_send(actor=SYSTEM, day=D(2019, 11, 7))
    assert Reminder.objects.get().webhook_result == "钉钉返回错误310000：keywords not in content"


def test_a_robot_that_is_down_keeps_the_reminder(november: Field) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    set_webhook(november, f"http://127.0.0.1:{port}/robot/send")  # nothing listens there now
    run = reminders_send(actor=SYSTEM, day=D(2019, 11, 7))
    assert (run.created, run.push_failed) == (1, 1)
    result = Reminder.objects.get().webhook_result
    assert result.startswith("无法连接钉钉：") and "refused" in result.lower()


# -- the command, the task and the schedule --------------------------------------------------------
def test_the_command_reminds_for_a_date(november: Field, capsys: Any) -> None:
    call_command("remind", "--date", "2019-11-04")
    assert "2个县，新提醒6条" in capsys.readouterr().out  # G9 of the other county too
    call_command("remind", "--date", "2019-11-04", "--area", "610727000000")
    assert "新提醒0条，此前已提醒5条" in capsys.readouterr().out


def test_the_daily_task_is_scheduled(november: Field) -> None:
    from fupin.celery import app
    from fupin.fieldwork.tasks import send_reminders

    entry = app.conf.beat_schedule["fieldwork-daily-reminders"]
    assert entry["task"] == send_reminders.name == "fupin.fieldwork.send_reminders"
    assert send_reminders.delay("2019-11-06").get() == 1


# -- in the platform -------------------------------------------------------------------------------
def test_the_cadre_reads_and_marks_their_reminders(november: Field) -> None:
    reminders_send(actor=SYSTEM, day=D(2019, 11, 4))  # G3 (the paired_cadre persona) among them
    personas = november.personas
    client = personas.client("paired_cadre")
    scope = scope_for(personas.users["paired_cadre"])
    assert unread_reminder_count(scope) == 1
    page = client.get(reverse("fieldwork:reminders"))
    text = page.content.decode()
    assert "本月已入户0天，按每月8天的要求已落后，请合理安排。" in text
    assert 'data-figure="unread">1<' in text
    mine = Reminder.objects.get(cadre__code="G3")
    # Someone else cannot mark it read.
    personas.client("office_staff").post(reverse("fieldwork:reminder-read"), {"reminder": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is None
    response = client.post(reverse("fieldwork:reminder-read"), {"reminder": mine.pk}, follow=True)
    assert "已将1条提醒标为已读" in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert unread_reminder_count(scope) == 0
    assert ChangeLog.objects.filter(object_type="fieldwork.reminder", action="update").count() == 1


def test_mark_all_read_and_the_nav_count(november: Field, rf: Any) -> None:
    reminders_send(actor=SYSTEM, day=D(2019, 11, 4))
    reminders_send(actor=SYSTEM, day=D(2019, 11, 6))
    client = november.personas.client("county_leader")  # G1: 帮扶干部 on Nov 4, 县级领导 on Nov 6
    request = rf.get("/")
    request.user = november.personas.users["county_leader"]
    assert unread_reminders(request) == {"unread_reminders": 2}
    client.post(reverse("fieldwork:reminder-read"), {"all": "1"})
    assert unread_reminders(request) == {"unread_reminders": 0}
    assert Reminder.objects.filter(cadre__code="G1", read_at__isnull=False).count() == 2


def test_who_sees_the_reminders_page(november: Field) -> None:
    personas = november.personas
    assert (
        "您的账号未关联干部"
        in personas.client("county_admin").get(reverse("fieldwork:reminders")).content.decode()
    )
    assert personas.client("public").get(reverse("fieldwork:reminders")).status_code == 403
    assert (
        personas.client("county_admin").post(reverse("fieldwork:reminder-read"), {"all": "1"}).status_code
        == 403
    )
