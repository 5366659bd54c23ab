"""Approval upward (village → town → county), which locks a report's values.

The reporting area submits (上报): the report is locked for it. The next level up approves (审核通过),
then the level above that, up to the county: the chain of a village's report is town then county, of
a town's report the county, and a county's own report is approved by the county office. The level
that approved last may unapprove (撤销审核), stepping back one level; when the first approval is
withdrawn the report is open again, so that a late correction can be made. A submitted report not
yet approved may be returned (退回) by the level that would approve it. Every step is a ReportEvent
and a change-log row, with who and when.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import MANAGING_ROLES, SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.indicators.models import Report, ReportAction, ReportLevel, ReportStatus
from fupin.indicators.services.entry import event, may_enter

APPROVING_ROLES = frozenset({SUPERUSER, Role.COUNTY_ADMIN, Role.OFFICE_STAFF, Role.TOWN_OFFICIAL})
LEVEL_LABELS = {ReportLevel.VILLAGE: "村", ReportLevel.TOWN: "乡镇", ReportLevel.COUNTY: "县"}


def approval_chain(level: str) -> list[str]:
    """The levels that approve a report of `level`, in order."""
    if level == ReportLevel.VILLAGE:
        return [ReportLevel.TOWN, ReportLevel.COUNTY]
    return [ReportLevel.COUNTY]


def next_approver_level(report: Report) -> str | None:
    chain = approval_chain(report.data_set.level)
    if report.status == ReportStatus.SUBMITTED:
        return chain[0]
    if report.status == ReportStatus.APPROVED:
        position = chain.index(report.approved_level)
        return chain[position + 1] if position + 1 < len(chain) else None
    return None


def acts_at(scope: Scope, level: str, report: Report) -> bool:
    """Whether the user acts for `level` over the report's area: a user rooted at that level whose
    area holds the report's (a platform administrator acts at every level)."""
    if scope.role == SUPERUSER:
        return True
    if scope.role not in APPROVING_ROLES or not scope.covers_code(report.area_code):
        return False
    root = scope.root_area_code
    if root is None or areacode.level_of(root) != level:
        return False
    # A county's own report is approved by its office, not by any county account.
    return (
        level != ReportLevel.COUNTY
        or report.data_set.level != ReportLevel.COUNTY
        or scope.role in MANAGING_ROLES
    )


def may_approve(scope: Scope, report: Report) -> bool:
    level = next_approver_level(report)
    return level is not None and acts_at(scope, level, report)


def submitted_by_self(scope: Scope, user_id: int | None, report: Report) -> bool:
    """Whether the user submitted the report and so may not approve it: a town official may fill a
    village's form for it, but then someone else approves it (a platform administrator excepted)."""
    return scope.role != SUPERUSER and user_id is not None and report.submitted_by_id == user_id


OWN_REPORT = "本人上报，须由他人审核"


def may_unapprove(scope: Scope, report: Report) -> bool:
    return report.status == ReportStatus.APPROVED and acts_at(scope, report.approved_level, report)


def may_return(scope: Scope, report: Report) -> bool:
    return report.status == ReportStatus.SUBMITTED and may_approve(scope, report)


def _locked(report: Report, expected_version: int) -> Report:
    locked = Report.objects.select_for_update().select_related("data_set", "area").get(pk=report.pk)
    if locked.version != expected_version:
        raise ApplicationError("该报表状态已被他人改变，请刷新后重试")
    return locked


def _step(
    report: Report, actor: Actor, action: str, *, level: str = "", note: str = "", **changes: object
) -> Report:
    before = report.audit_snapshot()
    for name, value in changes.items():
        setattr(report, name, value)
    report.version += 1
    report.save()
    event(report, action, actor, level=level, note=note)
    record_change(actor, report, action=ChangeAction.UPDATE, before=before)
    return report


@transaction.atomic
def report_submit(*, actor: Actor, scope: Scope, report: Report, expected_version: int) -> Report:
    if report.pk is None:
        raise ApplicationError("尚未填报任何数据，不能上报")
    report = _locked(report, expected_version)
    if not may_enter(scope, report.data_set, report.area):
        raise PermissionDenied("您不能上报该区划的此报表")
    if report.status != ReportStatus.OPEN:
        raise ApplicationError("该报表已上报")
    return _step(
        report,
        actor,
        ReportAction.SUBMIT,
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor.user,
    )


@transaction.atomic
def report_approve(*, actor: Actor, scope: Scope, report: Report, expected_version: int) -> Report:
    report = _locked(report, expected_version)
    level = next_approver_level(report)
    if level is None:
        raise ApplicationError("该报表当前不需要审核")
    if not acts_at(scope, level, report):
        raise PermissionDenied(f"该报表须由{LEVEL_LABELS[ReportLevel(level)]}级审核")
    if submitted_by_self(scope, actor.user.pk if actor.user is not None else None, report):
        raise PermissionDenied(f"不能审核本人上报的报表：{OWN_REPORT}")
    return _step(
        report, actor, ReportAction.APPROVE, level=level, status=ReportStatus.APPROVED, approved_level=level
    )


@transaction.atomic
def report_unapprove(
    *, actor: Actor, scope: Scope, report: Report, expected_version: int, note: str = ""
) -> Report:
    report = _locked(report, expected_version)
    if report.status != ReportStatus.APPROVED:
        raise ApplicationError("该报表尚未审核")
    level = report.approved_level
    if not acts_at(scope, level, report):
        raise PermissionDenied(f"只有{LEVEL_LABELS[ReportLevel(level)]}级审核单位可以撤销审核")
    chain = approval_chain(report.data_set.level)
    position = chain.index(level)
    if position > 0:
        return _step(
            report, actor, ReportAction.UNAPPROVE, level=level, note=note, approved_level=chain[position - 1]
        )
    return _step(
        report,
        actor,
        ReportAction.UNAPPROVE,
        level=level,
        note=note,
        status=ReportStatus.OPEN,
        approved_level="",
    )


@transaction.atomic
def report_return(
    *, actor: Actor, scope: Scope, report: Report, expected_version: int, note: str = ""
) -> Report:
    report = _locked(report, expected_version)
    if not may_return(scope, report):
        raise PermissionDenied("只有审核单位可以退回已上报的报表")
    level = next_approver_level(report) or ""
    return _step(report, actor, ReportAction.RETURN, level=level, note=note, status=ReportStatus.OPEN)
