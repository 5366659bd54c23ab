"""Writes of 请销假: a cadre requests leave, an approver decides it, the cadre reports back (销假) or
withdraws it while it waits.

The approval level is decided here, never by the requester: a cadre who serves in a village work
team on the first day of the leave is approved by that village's town (乡镇审批); everyone else by the
county office (县扶贫办审批) of the county of the cadre's unit. Who may decide is the selectors'
`decidable_q`, so the inbox and these services apply one rule.

Edits of a stored leave lock its row and compare the version the user read; a stale version is
refused, never merged. A request locks the cadre's row, so two requests of one cadre are checked for
overlap one after the other.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.fieldwork.models import ApprovalLevel, Leave, LeaveStatus
from fupin.fieldwork.selectors.diary import team_village_on
from fupin.fieldwork.selectors.leave import is_own, may_decide, may_report_back
from fupin.people.models import Cadre

CONFLICT_MESSAGE = "该请假已被他人处理或修改，请刷新后重试（未保存您的操作）。"
# 销假 may be reported up to this many days after the last day of leave.
RETURN_GRACE_DAYS = 7
# Leave that still claims its days: a new request may not overlap these.
CLAIMING = (LeaveStatus.PENDING, LeaveStatus.APPROVED, LeaveStatus.RETURNED)


def approval_for(cadre: Cadre, start_date: dt.date) -> tuple[str, str]:
    """(approval level, approving town's code) of a leave of `cadre` starting on `start_date`."""
    village = team_village_on(cadre.pk, start_date)
    if village is None:
        return ApprovalLevel.COUNTY, ""
    return ApprovalLevel.TOWN, areacode.parent_code_of(village.code) or ""


def _period(leave: Leave) -> tuple[dt.date, dt.date] | None:
    """The days a leave still claims: up to the day before the cadre reported back."""
    last = leave.end_date
    if leave.status == LeaveStatus.RETURNED and leave.returned_on is not None:
        last = min(last, leave.returned_on - dt.timedelta(days=1))
    return (leave.start_date, last) if last >= leave.start_date else None


def _check_no_overlap(cadre: Cadre, start_date: dt.date, end_date: dt.date) -> None:
    candidates = Leave.objects.filter(
        cadre=cadre, status__in=CLAIMING, start_date__lte=end_date, end_date__gte=start_date
    ).order_by("start_date")
    for other in candidates:
        period = _period(other)
        if period is not None and period[0] <= end_date and start_date <= period[1]:
            raise ApplicationError(
                f"该时段与已有请假重叠（{period[0]:%Y-%m-%d}至{period[1]:%Y-%m-%d}，"
                f"{other.get_status_display()}）",
                field_errors={"start_date": "与已有请假重叠"},
            )


@transaction.atomic
def leave_request(
    *, actor: Actor, scope: Scope, start_date: dt.date, end_date: dt.date, reason: str
) -> Leave:
    """The signed-in cadre asks for leave; the level of approval follows from their duties."""
    if scope.cadre_id is None:
        raise PermissionDenied("您的账号未关联干部，不能请假")
    if end_date < start_date:
        raise ApplicationError(
            "结束日期不能早于开始日期", field_errors={"end_date": "结束日期不能早于开始日期"}
        )
    reason = reason.strip()
    if not reason:
        raise ApplicationError("请填写请假事由", field_errors={"reason": "请填写请假事由"})
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("unit__area").get(pk=scope.cadre_id)
    level, town_code = approval_for(cadre, start_date)
    if level == ApprovalLevel.COUNTY and cadre.unit.area is None:
        raise ApplicationError(
            f"您所在单位“{cadre.unit.name}”未登记所在区划，无法确定审批的县扶贫办，请联系县扶贫办"
        )
    _check_no_overlap(cadre, start_date, end_date)
    leave = Leave(
        cadre=cadre,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        status=LeaveStatus.PENDING,
        approval_level=level,
        approving_area_code=town_code,
        requested_by=actor.user,
    )
    leave.full_clean()
    leave.save()
    record_change(actor, leave, action=ChangeAction.CREATE, before=None)
    return leave


def _locked(leave: Leave, expected_version: int | None) -> Leave:
    """The leave as stored, locked until the transaction ends, if nobody changed it since it was read.
    The write itself goes through `update_fields_checked`, which keeps the change log."""
    locked = Leave.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=leave.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    return locked


@transaction.atomic
def leave_decide(
    *,
    actor: Actor,
    scope: Scope,
    leave: Leave,
    approve: bool,
    note: str = "",
    expected_version: int | None,
) -> Leave:
    """Approve or reject a pending leave; a rejection says why."""
    locked = _locked(leave, expected_version)
    if locked.status != LeaveStatus.PENDING:
        raise ApplicationError(f"该请假{locked.get_status_display()}，不能再审批")
    if is_own(scope, locked):
        raise PermissionDenied("不能审批本人的请假")
    if not may_decide(scope, locked):
        raise PermissionDenied(f"您无权审批该请假（{locked.get_approval_level_display()}）")
    note = note.strip()
    if not approve and not note:
        raise ApplicationError("驳回请假须填写审批意见", field_errors={"note": "请填写驳回理由"})
    changes = {
        "status": LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED,
        "decided_by": actor.user,
        "decided_at": timezone.now(),
        "decision_note": note,
    }
    return update_fields_checked(locked, actor=actor, expected_version=locked.version, changes=changes)


@transaction.atomic
def leave_return(
    *, actor: Actor, scope: Scope, leave: Leave, returned_on: dt.date, expected_version: int | None
) -> Leave:
    """销假: the cadre is back at work on `returned_on` (the first day no longer on leave)."""
    locked = _locked(leave, expected_version)
    if not may_report_back(scope, locked):
        raise PermissionDenied("只有请假干部本人或审批人可以销假")
    if locked.status != LeaveStatus.APPROVED:
        raise ApplicationError(f"只有已批准的请假才能销假（该请假{locked.get_status_display()}）")
    latest = locked.end_date + dt.timedelta(days=RETURN_GRACE_DAYS)
    if not locked.start_date <= returned_on <= latest:
        message = f"销假日期应在{locked.start_date:%Y-%m-%d}至{latest:%Y-%m-%d}之间"
        raise ApplicationError(message, field_errors={"returned_on": message})
    if returned_on > timezone.localdate():
        raise ApplicationError("销假日期不能晚于今天", field_errors={"returned_on": "销假日期不能晚于今天"})
    changes = {"status": LeaveStatus.RETURNED, "returned_on": returned_on}
    return update_fields_checked(locked, actor=actor, expected_version=locked.version, changes=changes)


@transaction.atomic
def leave_withdraw(*, actor: Actor, scope: Scope, leave: Leave, expected_version: int | None) -> Leave:
    """撤回: the requester takes back a leave that nobody has decided yet."""
    locked = _locked(leave, expected_version)
    requester = actor.user is not None and locked.requested_by_id == actor.user.pk
    if not (requester or is_own(scope, locked)):
        raise PermissionDenied("只有申请人可以撤回请假")
    if locked.status != LeaveStatus.PENDING:
        raise ApplicationError(f"只有待审批的请假可以撤回（该请假{locked.get_status_display()}）")
    changes = {"status": LeaveStatus.WITHDRAWN}
    return update_fields_checked(locked, actor=actor, expected_version=locked.version, changes=changes)
