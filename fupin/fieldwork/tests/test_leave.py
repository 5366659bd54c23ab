"""请销假, persona by persona: who approves (decided by the service), who sees and decides which leave,
every refusal, the days leave excuses, and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.fieldwork.models import ApprovalLevel, Leave, LeaveStatus
from fupin.fieldwork.selectors.leave import leave_days_by_cadre, leave_list, leave_pending_for
from fupin.fieldwork.services.leave import leave_decide, leave_request, leave_return, leave_withdraw
from fupin.fieldwork.tests.factories import (
    STAFF,
    D,
    _fast_password_hashers,
    figures,
    fits_the_phone,
    fw,
    phone,
    sign_in,
)
from fupin.fieldwork.tests.factories import FieldSetup as Field
from fupin.people.models import Unit

__all__ = ["_fast_password_hashers", "fw", "phone"]

TOWN_A = "610727100000"
TOWN_B = "610727101000"


def request_as(f: Field, persona: str, start: dt.date, end: dt.date, reason: str = "家中有事") -> Leave:
    return leave_request(
        actor=f.actor(persona), scope=f.scope(persona), start_date=start, end_date=end, reason=reason
    )


def decide(f: Field, persona: str, leave: Leave, approve: bool = True, note: str = "") -> Leave:
    leave.refresh_from_db()
    return leave_decide(
        actor=f.actor(persona),
        scope=f.scope(persona),
        leave=leave,
        approve=approve,
        note=note,
        expected_version=leave.version,
    )


@pytest.fixture
def leaves(fw: Field) -> dict[str, Leave]:
    """Pending leave: G7 in A1's team (town A approves), G6 in B1's team (town B approves), G3 and
    the leader G1 (the county office approves)."""
    c = fw.county
    g6 = fw.cadre_scope("G6", c.village_b1)
    return {
        "team_a": request_as(fw, "work_team", D(2024, 3, 4), D(2024, 3, 6)),
        "team_b": leave_request(
            actor=fw.actor("county_admin"),
            scope=g6,
            start_date=D(2024, 3, 4),
            end_date=D(2024, 3, 5),
            reason="看病",
        ),
        "county": request_as(fw, "paired_cadre", D(2024, 3, 11), D(2024, 3, 12)),
        "leader": request_as(fw, "county_leader", D(2024, 3, 18), D(2024, 3, 19), "参加培训"),
    }


# -- the level of approval ---------------------------------------------------------------------------
def test_a_work_team_member_is_approved_by_the_town_of_the_village(leaves: dict[str, Leave]) -> None:
    team_a, team_b = leaves["team_a"], leaves["team_b"]
    assert (team_a.approval_level, team_a.approving_area_code) == (ApprovalLevel.TOWN, TOWN_A)
    assert (team_b.approval_level, team_b.approving_area_code) == (ApprovalLevel.TOWN, TOWN_B)
    assert team_a.status == LeaveStatus.PENDING and team_a.cadre.code == "G7"
    entry = ChangeLog.objects.get(object_type="fieldwork.leave", object_id=team_a.pk)
    assert entry.action == "create" and entry.actor_name == "work_team"
    assert entry.after["审批层级"] == "乡镇审批" and entry.after["状态"] == "待审批"


def test_everyone_else_and_a_member_before_the_team_is_approved_by_the_county(
    fw: Field, leaves: dict[str, Leave]
) -> None:
    for key in ("county", "leader"):
        assert (leaves[key].approval_level, leaves[key].approving_area_code) == (ApprovalLevel.COUNTY, "")
    # G7's team starts on 2024-01-01: leave starting before it goes to the county office.
    before = request_as(fw, "work_team", D(2023, 12, 30), D(2024, 1, 2))
    assert before.approval_level == ApprovalLevel.COUNTY


def test_a_unit_without_an_area_leaves_no_county_office_to_approve(fw: Field) -> None:
    # G4 works at 县农技推广站; without its 所在区划 no county office can see or approve its leave.
    Unit.objects.filter(code="U3").update(area=None)
    g4 = fw.cadre_scope("G4", fw.county.county)
    with pytest.raises(ApplicationError, match="县农技推广站”未登记所在区划，无法确定审批的县扶贫办"):
        leave_request(
            actor=fw.actor("county_admin"),
            scope=g4,
            start_date=D(2024, 3, 4),
            end_date=D(2024, 3, 5),
            reason="事",
        )
    # In a work team, the town approves and the unit's area does not matter.
    fw.team("G4", fw.county.village_a2)
    leave = leave_request(
        actor=fw.actor("county_admin"),
        scope=g4,
        start_date=D(2024, 3, 4),
        end_date=D(2024, 3, 5),
        reason="事",
    )
    assert (leave.approval_level, leave.approving_area_code) == (ApprovalLevel.TOWN, TOWN_A)


@pytest.mark.parametrize("persona", ["county_admin", "office_staff", "unit_user", "outsider"])
def test_users_without_a_cadre_cannot_request_leave(fw: Field, persona: str) -> None:
    with pytest.raises(PermissionDenied, match="未关联干部"):
        request_as(fw, persona, D(2024, 3, 4), D(2024, 3, 5))
    client = fw.client(persona)
    assert "您的账号未关联干部，不能请假" in client.get("/fieldwork/leave/").content.decode()
    response = client.post(
        "/fieldwork/leave/", {"start_date": "2024-03-04", "end_date": "2024-03-05", "reason": "事"}
    )
    assert response.status_code == 403
    assert not Leave.objects.exists()


# -- refusals of a request ---------------------------------------------------------------------------
def test_the_end_may_not_come_before_the_start(fw: Field) -> None:
    with pytest.raises(ApplicationError, match="结束日期不能早于开始日期"):
        request_as(fw, "work_team", D(2024, 3, 6), D(2024, 3, 4))


def test_a_request_needs_a_reason(fw: Field) -> None:
    with pytest.raises(ApplicationError, match="请填写请假事由"):
        request_as(fw, "work_team", D(2024, 3, 4), D(2024, 3, 4), reason="  ")


def test_leave_may_not_overlap_pending_or_approved_leave_of_the_same_cadre(
    fw: Field, leaves: dict[str, Leave]
) -> None:
    with pytest.raises(ApplicationError, match=r"已有请假重叠（2024-03-04至2024-03-06，待审批）"):
        request_as(fw, "work_team", D(2024, 3, 6), D(2024, 3, 8))
    decide(fw, "town_official", leaves["team_a"])
    with pytest.raises(ApplicationError, match="已批准"):
        request_as(fw, "work_team", D(2024, 3, 1), D(2024, 3, 4))
    # Another cadre's leave on the same days, and the days next to it, are fine.
    assert request_as(fw, "work_team", D(2024, 3, 7), D(2024, 3, 8)).pk
    assert request_as(fw, "paired_cadre", D(2024, 3, 4), D(2024, 3, 6)).pk


def test_rejected_withdrawn_and_reported_back_days_are_free_again(
    fw: Field, leaves: dict[str, Leave]
) -> None:
    decide(fw, "county_admin", leaves["county"], approve=False, note="工作任务重")
    again = request_as(fw, "paired_cadre", D(2024, 3, 11), D(2024, 3, 12))
    leave_withdraw(
        actor=fw.actor("paired_cadre"), scope=fw.scope("paired_cadre"), leave=again, expected_version=1
    )
    third = request_as(fw, "paired_cadre", D(2024, 3, 11), D(2024, 3, 14))
    decide(fw, "office_staff", third)
    third.refresh_from_db()
    leave_return(
        actor=fw.actor("paired_cadre"),
        scope=fw.scope("paired_cadre"),
        leave=third,
        returned_on=D(2024, 3, 13),
        expected_version=third.version,
    )
    # Back on the 13th: the 13th and 14th are free, the 12th is still on leave.
    assert request_as(fw, "paired_cadre", D(2024, 3, 13), D(2024, 3, 14)).pk
    with pytest.raises(ApplicationError, match="2024-03-11至2024-03-12，已销假"):
        request_as(fw, "paired_cadre", D(2024, 3, 12), D(2024, 3, 12))


# -- who decides ----------------------------------------------------------------------------------
def test_the_town_official_approves_leave_of_the_own_town(fw: Field, leaves: dict[str, Leave]) -> None:
    approved = decide(fw, "town_official", leaves["team_a"], note="同意")
    assert approved.status == LeaveStatus.APPROVED and approved.version == 2
    assert approved.decided_by == fw.personas.users["town_official"] and approved.decided_at
    entry = ChangeLog.objects.filter(
        object_type="fieldwork.leave", object_id=approved.pk, action="update"
    ).get()
    assert entry.before["状态"] == "待审批" and entry.after["状态"] == "已批准"
    assert entry.after["审批意见"] == "同意"


def test_the_town_official_may_not_decide_another_towns_or_county_leave(
    fw: Field, leaves: dict[str, Leave]
) -> None:
    for key in ("team_b", "county", "leader"):
        with pytest.raises(PermissionDenied, match="您无权审批该请假"):
            decide(fw, "town_official", leaves[key])
        leaves[key].refresh_from_db()
        assert leaves[key].status == LeaveStatus.PENDING
    # On the page, leave of another town is not even found.
    response = fw.client("town_official").post(
        f"/fieldwork/leave/{leaves['team_b'].pk}/decide/", {"decision": "approve", "version": 1}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["county_admin", "office_staff"])
def test_the_county_office_decides_county_leave_and_town_leave_of_its_county(
    fw: Field, leaves: dict[str, Leave], persona: str
) -> None:
    assert decide(fw, persona, leaves["leader"]).status == LeaveStatus.APPROVED
    assert decide(fw, persona, leaves["team_b"], approve=False, note="缺人").status == LeaveStatus.REJECTED


@pytest.mark.parametrize("persona", ["county_leader", "unit_user", "work_team", "paired_cadre", "outsider"])
def test_other_roles_decide_nothing(fw: Field, leaves: dict[str, Leave], persona: str) -> None:
    for leave in leaves.values():
        if leave.cadre_id == fw.scope(persona).cadre_id:
            continue
        with pytest.raises(PermissionDenied):
            decide(fw, persona, leave)
    assert Leave.objects.filter(status=LeaveStatus.PENDING).count() == 4


def test_nobody_approves_their_own_leave(fw: Field) -> None:
    # G5, the town official of town A, serves in village A2's team: town A would approve his leave.
    fw.team("G5", fw.county.village_a2)
    own = request_as(fw, "town_official", D(2024, 4, 1), D(2024, 4, 2))
    assert own.approving_area_code == TOWN_A
    with pytest.raises(PermissionDenied, match="不能审批本人的请假"):
        decide(fw, "town_official", own)
    assert own.pk not in {leave.pk for leave in leave_pending_for(fw.scope("town_official"))}


def test_a_decided_leave_may_not_be_decided_again(fw: Field, leaves: dict[str, Leave]) -> None:
    decide(fw, "county_admin", leaves["county"])
    with pytest.raises(ApplicationError, match="该请假已批准，不能再审批"):
        decide(fw, "office_staff", leaves["county"], approve=False, note="不同意")


def test_a_rejection_needs_a_reason(fw: Field, leaves: dict[str, Leave]) -> None:
    with pytest.raises(ApplicationError, match="驳回请假须填写审批意见"):
        decide(fw, "county_admin", leaves["county"], approve=False)


def test_a_stale_version_is_refused(fw: Field, leaves: dict[str, Leave]) -> None:
    stale = leaves["county"]
    decide(fw, "county_admin", Leave.objects.get(pk=stale.pk))
    with pytest.raises(ConflictError, match="请刷新后重试"):
        leave_decide(
            actor=fw.actor("office_staff"),
            scope=fw.scope("office_staff"),
            leave=stale,
            approve=False,
            note="x",
            expected_version=1,
        )


# -- 销假 and 撤回 ----------------------------------------------------------------------------------
def report_back(f: Field, persona: str, leave: Leave, day: dt.date) -> Leave:
    leave.refresh_from_db()
    return leave_return(
        actor=f.actor(persona),
        scope=f.scope(persona),
        leave=leave,
        returned_on=day,
        expected_version=leave.version,
    )


def test_the_cadre_or_an_approver_reports_back(fw: Field, leaves: dict[str, Leave]) -> None:
    decide(fw, "town_official", leaves["team_a"])
    back = report_back(fw, "work_team", leaves["team_a"], D(2024, 3, 6))
    assert back.status == LeaveStatus.RETURNED and back.returned_on == D(2024, 3, 6)
    decide(fw, "county_admin", leaves["county"])
    assert report_back(fw, "office_staff", leaves["county"], D(2024, 3, 13)).status == LeaveStatus.RETURNED


def test_only_approved_leave_is_reported_back(fw: Field, leaves: dict[str, Leave]) -> None:
    with pytest.raises(ApplicationError, match="只有已批准的请假才能销假（该请假待审批）"):
        report_back(fw, "work_team", leaves["team_a"], D(2024, 3, 6))


def test_the_return_date_lies_between_the_start_and_a_week_after_the_end(
    fw: Field, leaves: dict[str, Leave]
) -> None:
    decide(fw, "town_official", leaves["team_a"])
    for day in (D(2024, 3, 3), D(2024, 3, 14)):
        with pytest.raises(ApplicationError, match="销假日期应在2024-03-04至2024-03-13之间"):
            report_back(fw, "work_team", leaves["team_a"], day)
    assert report_back(fw, "work_team", leaves["team_a"], D(2024, 3, 13)).returned_on == D(2024, 3, 13)


def test_the_return_date_is_not_in_the_future(fw: Field) -> None:
    today = timezone.localdate()
    leave = request_as(fw, "work_team", today, today + dt.timedelta(days=2))
    decide(fw, "town_official", leave)
    with pytest.raises(ApplicationError, match="销假日期不能晚于今天"):
        report_back(fw, "work_team", leave, today + dt.timedelta(days=1))


def test_another_cadre_may_not_report_back(fw: Field, leaves: dict[str, Leave]) -> None:
    decide(fw, "town_official", leaves["team_a"])
    with pytest.raises(PermissionDenied, match="只有请假干部本人或审批人可以销假"):
        report_back(fw, "paired_cadre", leaves["team_a"], D(2024, 3, 6))


def test_the_requester_withdraws_only_while_pending(fw: Field, leaves: dict[str, Leave]) -> None:
    with pytest.raises(PermissionDenied, match="只有申请人可以撤回请假"):
        leave_withdraw(
            actor=fw.actor("county_admin"),
            scope=fw.scope("county_admin"),
            leave=leaves["county"],
            expected_version=1,
        )
    decide(fw, "town_official", leaves["team_a"])
    leaves["team_a"].refresh_from_db()
    with pytest.raises(ApplicationError, match="只有待审批的请假可以撤回（该请假已批准）"):
        leave_withdraw(
            actor=fw.actor("work_team"),
            scope=fw.scope("work_team"),
            leave=leaves["team_a"],
            expected_version=leaves["team_a"].version,
        )
    withdrawn = leave_withdraw(
        actor=fw.actor("paired_cadre"),
        scope=fw.scope("paired_cadre"),
        leave=leaves["county"],
        expected_version=1,
    )
    assert withdrawn.status == LeaveStatus.WITHDRAWN


# -- who sees what --------------------------------------------------------------------------------
ALL = {"team_a", "team_b", "county", "leader"}
VISIBLE = {
    "county_admin": ALL,
    "office_staff": ALL,
    "county_leader": ALL,
    "town_official": {"team_a"},
    "work_team": {"team_a"},
    "paired_cadre": {"county"},
    "unit_user": set(),
    "outsider": set(),
}
PENDING_FOR = {
    "county_admin": ALL,
    "office_staff": ALL,
    "town_official": {"team_a"},
}


@pytest.mark.parametrize("persona", STAFF)
def test_each_persona_sees_and_is_asked_to_decide_only_its_leave(
    fw: Field, leaves: dict[str, Leave], persona: str
) -> None:
    keys = {leave.pk: key for key, leave in leaves.items()}
    scope = fw.scope(persona)
    assert {keys[leave.pk] for leave in leave_list(scope)} == VISIBLE[persona]
    assert {keys[leave.pk] for leave in leave_pending_for(scope)} == PENDING_FOR.get(persona, set())
    client = fw.client(persona)
    listed = client.get("/fieldwork/leave/all/").content.decode()
    inbox = client.get("/fieldwork/leave/approvals/").content.decode()
    assert figures(inbox)["pending"] == len(PENDING_FOR.get(persona, set()))
    for key, leave in leaves.items():
        seen = key in VISIBLE[persona]
        assert (f'data-leave="{leave.pk}"' in listed) is seen, key
        assert client.get(f"/fieldwork/leave/{leave.pk}/").status_code == (200 if seen else 404), key


def test_the_public_gets_nothing(fw: Field, leaves: dict[str, Leave]) -> None:
    client = fw.client("public")
    pk = leaves["team_a"].pk
    for url in (
        "/fieldwork/leave/",
        "/fieldwork/leave/approvals/",
        "/fieldwork/leave/all/",
        f"/fieldwork/leave/{pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/fieldwork/leave/{pk}/decide/", {"decision": "approve", "version": 1}).status_code
        == 403
    )
    assert Leave.objects.get(pk=pk).status == LeaveStatus.PENDING


# -- the days leave excuses -------------------------------------------------------------------------
def test_leave_days_by_cadre(fw: Field, leaves: dict[str, Leave]) -> None:
    g7, g3, g1 = (fw.cadre(code).pk for code in ("G7", "G3", "G1"))
    decide(fw, "town_official", leaves["team_a"])  # G7 3-4..3-6
    report_back(fw, "work_team", leaves["team_a"], D(2024, 3, 6))  # back on the 6th
    later = request_as(fw, "work_team", D(2024, 3, 30), D(2024, 4, 2))
    decide(fw, "town_official", later)
    decide(fw, "county_admin", leaves["county"], approve=False, note="不同意")  # G3 rejected
    # G1's leave stays pending: no days.
    days = leave_days_by_cadre([g7, g3, g1], D(2024, 3, 1), D(2024, 3, 31))
    assert days == {g7: {D(2024, 3, 4), D(2024, 3, 5), D(2024, 3, 30), D(2024, 3, 31)}}
    assert leave_days_by_cadre([], D(2024, 3, 1), D(2024, 3, 31)) == {}


# -- the pages ------------------------------------------------------------------------------------
def test_a_cadre_requests_leave_on_the_page_and_sees_it_listed(fw: Field) -> None:
    client = fw.client("work_team")
    response = client.post(
        "/fieldwork/leave/", {"start_date": "2024-05-06", "end_date": "2024-05-07", "reason": "孩子生病"}
    )
    assert response.status_code == 302
    body = client.get("/fieldwork/leave/").content.decode()
    assert "2024-05-06～05-07" in body and "待审批" in body and "乡镇审批" in body
    bad = client.post(
        "/fieldwork/leave/", {"start_date": "2024-05-09", "end_date": "2024-05-08", "reason": "x"}
    )
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()
    assert Leave.objects.count() == 1


def test_the_inbox_approves_and_the_detail_shows_the_history(fw: Field, leaves: dict[str, Leave]) -> None:
    client = fw.client("town_official")
    inbox = client.get("/fieldwork/leave/approvals/").content.decode()
    assert "郑书记" in inbox and "2024-03-04 至 2024-03-06" in inbox and "孙科员" not in inbox
    pk = leaves["team_a"].pk
    response = client.post(
        f"/fieldwork/leave/{pk}/decide/",
        {"decision": "approve", "note": "注意安全", "version": 1, "back": "approvals"},
    )
    assert response.status_code == 302 and response["Location"] == "/fieldwork/leave/approvals/"
    detail = fw.client("work_team").get(f"/fieldwork/leave/{pk}/").content.decode()
    assert 'data-status="approved"' in detail and "注意安全" in detail
    assert 'id="return"' in detail and 'id="withdraw"' not in detail
    assert "<del>待审批</del> → <ins>已批准</ins>" in detail
    # A second decision on the stale page is refused with a message, not applied.
    again = client.post(
        f"/fieldwork/leave/{pk}/decide/", {"decision": "reject", "note": "x", "version": 1}, follow=True
    )
    assert "未保存" in again.content.decode()
    assert Leave.objects.get(pk=pk).status == LeaveStatus.APPROVED


def test_report_back_and_withdraw_on_the_page(fw: Field, leaves: dict[str, Leave]) -> None:
    client = fw.client("paired_cadre")
    pk = leaves["county"].pk
    page = client.get(f"/fieldwork/leave/{pk}/").content.decode()
    assert 'id="withdraw"' in page and 'id="decide"' not in page
    client.post(f"/fieldwork/leave/{pk}/withdraw/", {"version": 1})
    assert Leave.objects.get(pk=pk).status == LeaveStatus.WITHDRAWN
    decide(fw, "county_admin", leaves["leader"])
    leader = fw.client("county_leader")
    bad = leader.post(
        f"/fieldwork/leave/{leaves['leader'].pk}/return/",
        {"returned_on": "2024-04-30", "version": 2},
        follow=True,
    )
    assert "销假日期应在2024-03-18至2024-03-26之间" in bad.content.decode()
    leader.post(
        f"/fieldwork/leave/{leaves['leader'].pk}/return/", {"returned_on": "2024-03-19", "version": 2}
    )
    assert Leave.objects.get(pk=leaves["leader"].pk).returned_on == D(2024, 3, 19)


def test_the_area_list_filters_by_status_and_cadre(fw: Field, leaves: dict[str, Leave]) -> None:
    decide(fw, "county_admin", leaves["county"])
    client = fw.client("county_admin")
    approved = client.get("/fieldwork/leave/all/", {"status": "approved"}).content.decode()
    assert f'data-leave="{leaves["county"].pk}"' in approved and "郑书记" not in approved
    by_cadre = client.get("/fieldwork/leave/all/", {"cadre": "G7"}).content.decode()
    assert "郑书记" in by_cadre and "孙科员" not in by_cadre


def test_list_pages_keep_a_query_budget(
    fw: Field, leaves: dict[str, Leave], django_assert_max_num_queries: Any
) -> None:
    client = fw.client("county_admin")
    for week in range(10):
        start = D(2025, 1, 6) + dt.timedelta(weeks=week)
        request_as(fw, "county_leader", start, start + dt.timedelta(days=1))
    for url in ("/fieldwork/leave/all/", "/fieldwork/leave/approvals/"):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


# -- on a phone -----------------------------------------------------------------------------------
@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_request_and_approve_leave_on_a_phone(phone: Any, live_server: Any, fw: Field) -> None:
    base = live_server.url
    page = phone
    sign_in(page, base, "work_team")
    page.goto(f"{base}/fieldwork/leave/")
    assert fits_the_phone(page)
    page.get_by_label("开始日期").fill("2024-05-06")
    page.get_by_label("结束日期").fill("2024-05-07")
    page.get_by_label("请假事由").fill("孩子生病")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("请假申请已提交，等待审批。").wait_for()
    assert page.locator("[data-status=pending]").count() == 1 and fits_the_phone(page)
    sign_in(page, base, "town_official")
    page.goto(f"{base}/fieldwork/leave/approvals/")
    assert "郑书记" in page.inner_text("main") and fits_the_phone(page)
    page.get_by_label("审批意见").fill("注意安全")
    page.get_by_role("button", name="批准").click()
    page.get_by_text("已批准 郑书记 的请假。").wait_for()
    leave = Leave.objects.get()
    assert leave.status == LeaveStatus.APPROVED and leave.decision_note == "注意安全"
    page.goto(f"{base}/fieldwork/leave/{leave.pk}/")
    assert "<del>" in page.inner_html("#history") and fits_the_phone(page)
    page.goto(f"{base}/fieldwork/leave/all/")
    assert fits_the_phone(page)
