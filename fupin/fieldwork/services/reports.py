"""Writes of 每月驻镇工作汇报 (the county leaders' monthly town-stay reports).

A county leader writes one report a month on the town they lead that month, saves it as a draft as
often as they like and submits it; a submitted report is closed to edits until a county
administrator reopens it. Which town a report is on is checked against the leader-town
assignments of the month, never taken on trust.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.fieldwork.models import TownStayReport
from fupin.fieldwork.selectors.reports import month_last_day, towns_led_in_month
from fupin.people.models import Cadre, CadreCategory

CONFLICT_MESSAGE = "该汇报已被他人修改，请刷新后重新编辑（未保存您的修改）。"
SUBMITTED_MESSAGE = "该汇报已提交，不能再修改；如需修改，请联系县级管理员退回"


def _month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _leader(scope: Scope) -> Cadre:
    if scope.cadre_id is None:
        raise PermissionDenied("您的账号未关联干部，不能填写驻镇汇报")
    cadre = Cadre.objects.select_for_update().get(pk=scope.cadre_id)
    if CadreCategory.COUNTY_LEADER not in cadre.category_list:
        raise PermissionDenied("只有县级领导填写每月驻镇工作汇报")
    return cadre


def _town_of_month(cadre: Cadre, month: dt.date, town: Area | None) -> Area:
    towns = towns_led_in_month(cadre, month)
    if not towns:
        raise ApplicationError(f"您{_month_label(month)}没有包联乡镇，无需填写驻镇汇报")
    if town is None:
        if len(towns) > 1:
            raise ApplicationError(
                "您本月包联多个乡镇，请选择汇报的乡镇", field_errors={"town": "请选择乡镇"}
            )
        return towns[0]
    if town.pk not in {t.pk for t in towns}:
        raise ApplicationError(
            f"{town.name}不是您{_month_label(month)}包联的乡镇", field_errors={"town": "不是您本月包联的乡镇"}
        )
    return town


def _check_content(month: dt.date, days_in_town: int, work_done: str) -> None:
    if month > timezone.localdate().replace(day=1):
        raise ApplicationError("不能填写未来月份的驻镇汇报", field_errors={"month": "不能是未来月份"})
    days = month_last_day(month).day
    if not 0 <= days_in_town <= days:
        message = f"驻镇天数应在0到{days}天之间"
        raise ApplicationError(message, field_errors={"days_in_town": message})
    if not work_done.strip():
        raise ApplicationError("请填写主要工作", field_errors={"work_done": "请填写主要工作"})


@transaction.atomic
def town_stay_report_save(
    *,
    actor: Actor,
    scope: Scope,
    month: dt.date,
    town: Area | None = None,
    days_in_town: int,
    work_done: str,
    problems_found: str = "",
    problems_solved: str = "",
    next_steps: str = "",
    expected_version: int | None,
    submit: bool = False,
) -> TownStayReport:
    """Save the signed-in leader's report of `month` (a draft), and with `submit` submit it.

    `expected_version` is the version of the draft the leader edited, None for a new report.
    """
    month = month.replace(day=1)
    cadre = _leader(scope)
    _check_content(month, days_in_town, work_done)
    town = _town_of_month(cadre, month, town)
    report = TownStayReport.objects.select_for_update().filter(cadre=cadre, month=month).first()
    if report is not None and report.submitted_at is not None:
        raise ApplicationError(SUBMITTED_MESSAGE)
    stored_version = None if report is None else report.version
    if stored_version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    before = None if report is None else report.audit_snapshot()
    if report is None:
        report = TownStayReport(cadre=cadre, month=month)
    else:
        report.version += 1
    report.town = town
    report.days_in_town = days_in_town
    report.work_done = work_done.strip()
    report.problems_found = problems_found.strip()
    report.problems_solved = problems_solved.strip()
    report.next_steps = next_steps.strip()
    if submit:
        report.submitted_at = timezone.now()
    report.full_clean()
    report.save()
    action = ChangeAction.CREATE if before is None else ChangeAction.UPDATE
    record_change(actor, report, action=action, before=before)
    return report


def may_reopen(scope: Scope, report: TownStayReport) -> bool:
    """A county administrator of the report's town (or the platform administrator)."""
    if scope.role == SUPERUSER:
        return True
    return scope.role == Role.COUNTY_ADMIN and scope.covers_code(report.town.code)


@transaction.atomic
def town_stay_report_reopen(
    *, actor: Actor, scope: Scope, report: TownStayReport, expected_version: int | None
) -> TownStayReport:
    """退回: a county administrator opens a submitted report to its leader's edits again."""
    locked = TownStayReport.objects.select_for_update(of=("self",)).select_related("town").get(pk=report.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    if not may_reopen(scope, locked):
        raise PermissionDenied("只有县级管理员可以退回已提交的驻镇汇报")
    if locked.submitted_at is None:
        raise ApplicationError("该汇报尚未提交，无需退回")
    return update_fields_checked(
        locked, actor=actor, expected_version=locked.version, changes={"submitted_at": None}
    )
