"""The rectification workflow: 未整改 → 整改中 → 已整改 → 已销号, with rejection and reopening.

Each transition names what it needs and who may make it, and refuses in Chinese when either is
missing:
- 开始整改 (未整改 → 整改中) needs measures, a deadline not before the found date, and a responsible
  person;
- 整改完成 (整改中 → 已整改, or 未整改 → 已整改 for a 即知即改 problem) needs a written account and at
  least one photo or file of evidence, and a completion date;
- 核验销号 (已整改 → 已销号) is made by someone other than the responsible person;
- 核验退回 (已整改 → 整改中) and 重新打开 (已销号 or 已整改 → 整改中) need a reason.
Every transition checks the version the user read (a second editor gets a conflict, never a silent
overwrite), writes a ProblemEvent and a change-log row, and applies to every member of a group when
it is made on a group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.rectification.models import Problem, ProblemAction, ProblemEvent, ProblemStatus

CONFLICT = "该问题已被他人修改，请刷新后重新操作（未保存您的修改）。"
S = ProblemStatus


@dataclass(frozen=True)
class Transition:
    action: ProblemAction
    sources: tuple[ProblemStatus, ...]
    target: ProblemStatus


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(ProblemAction.START, (S.OPEN,), S.IN_PROGRESS),
        Transition(ProblemAction.RECTIFY, (S.IN_PROGRESS, S.OPEN), S.RECTIFIED),
        Transition(ProblemAction.CLOSE, (S.RECTIFIED,), S.CLOSED),
        Transition(ProblemAction.REJECT, (S.RECTIFIED,), S.IN_PROGRESS),
        Transition(ProblemAction.REOPEN, (S.CLOSED, S.RECTIFIED), S.IN_PROGRESS),
    )
}


def may_manage_problem(scope: Scope, problem: Problem) -> bool:
    """The area's managers and town officials steer the problems of their area."""
    if not scope.covers_code(problem.area_code):
        return False
    return scope.can_manage or scope.role == Role.TOWN_OFFICIAL


def may_work_on_problem(scope: Scope, problem: Problem) -> bool:
    """Who may record measures and rectification: managers of the area, the responsible unit's unit
    users, and the responsible person or leader."""
    if may_manage_problem(scope, problem):
        return True
    if scope.role == Role.UNIT_USER and problem.responsible_unit_id in scope.unit_ids:
        return True
    return scope.cadre_id is not None and scope.cadre_id in (
        problem.responsible_person_id,
        problem.responsible_leader_id,
    )


def may_verify_problem(scope: Scope, problem: Problem) -> bool:
    """Verification (销号, 退回) is for the area's managers, town officials and the responsible
    leader, and never for the responsible person themselves."""
    if scope.cadre_id is not None and scope.cadre_id == problem.responsible_person_id:
        return False
    if may_manage_problem(scope, problem):
        return True
    return scope.cadre_id is not None and scope.cadre_id == problem.responsible_leader_id


def _locked(problem: Problem, expected_version: int | None) -> Problem:
    locked = (
        Problem.objects.select_for_update(of=("self",))
        .select_related(
            "category", "household", "responsible_unit", "responsible_leader", "responsible_person"
        )
        .get(pk=problem.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(CONFLICT)
    return locked


def _not_after_today(day: dt.date, label: str) -> None:
    if day > timezone.localdate():
        raise ApplicationError(f"{label}不能晚于今天", field_errors={"on": f"{label}不能晚于今天"})


def _apply(
    actor: Actor,
    problem: Problem,
    action: ProblemAction,
    on: dt.date,
    note: str,
    changes: dict[str, Any],
) -> Problem:
    transition = TRANSITIONS[action]
    if problem.status not in transition.sources:
        current = problem.get_status_display()
        raise ApplicationError(f"问题{problem.code}当前为“{current}”，不能{action.label}")
    before = problem.audit_snapshot()
    source = problem.status
    for name, value in changes.items():
        setattr(problem, name, value)
    problem.status = transition.target
    problem.version += 1
    problem.full_clean()
    problem.save()
    ProblemEvent.objects.create(
        problem=problem,
        action=action,
        from_status=source,
        to_status=transition.target,
        on=on,
        by=actor.user,
        by_name=actor.name[:150],
        note=note,
    )
    record_change(actor, problem, action=ChangeAction.UPDATE, before=before)
    return problem


@transaction.atomic
def problem_start(
    *,
    actor: Actor,
    scope: Scope,
    problem: Problem,
    expected_version: int | None,
    measures: str | None = None,
    deadline: dt.date | None = None,
    on: dt.date | None = None,
    **responsibility: Any,
) -> Problem:
    """开始整改: measures, a deadline and a responsible person (given now or already on record)."""
    locked = _locked(problem, expected_version)
    if not may_work_on_problem(scope, locked):
        raise PermissionDenied("您无权整改该问题")
    unknown = set(responsibility) - {"responsible_unit", "responsible_leader", "responsible_person"}
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    changes: dict[str, Any] = dict(responsibility)
    if measures is not None:
        changes["measures"] = measures.strip()
    if deadline is not None:
        changes["deadline"] = deadline
    measures_now = changes.get("measures", locked.measures)
    deadline_now = changes.get("deadline", locked.deadline)
    person_now = changes.get("responsible_person", locked.responsible_person)
    missing = {}
    if not measures_now:
        missing["measures"] = "开始整改前须填写整改措施"
    if deadline_now is None:
        missing["deadline"] = "开始整改前须确定整改时限"
    elif deadline_now < locked.found_date:
        missing["deadline"] = "整改时限不能早于发现日期"
    if person_now is None:
        missing["responsible_person"] = "开始整改前须明确责任人"
    if missing:
        raise ApplicationError("；".join(missing.values()), field_errors=missing)
    day = on or timezone.localdate()
    _not_after_today(day, "开始日期")
    return _apply(actor, locked, ProblemAction.START, day, "", changes)


@transaction.atomic
def problem_rectify(
    *,
    actor: Actor,
    scope: Scope,
    problem: Problem,
    expected_version: int | None,
    account: str,
    completed_date: dt.date,
) -> Problem:
    """整改完成: the account of what was done, at least one photo or file already attached, and the
    completion date. A 即知即改 problem may be rectified straight from 未整改."""
    locked = _locked(problem, expected_version)
    if not may_work_on_problem(scope, locked):
        raise PermissionDenied("您无权整改该问题")
    if locked.status == S.OPEN and not locked.fix_at_once:
        raise ApplicationError(f"问题{locked.code}尚未开始整改；只有“即知即改”的问题可直接整改完成")
    errors = {}
    if not account.strip():
        errors["account"] = "请填写整改情况"
    # A villager's photo sent with the problem shows the problem, not its rectification: only files
    # uploaded by a signed-in user count as evidence.
    if not locked.evidence.filter(uploaded_by__isnull=False).exists():
        errors["evidence"] = "请上传整改佐证照片或文件"
    if completed_date < locked.found_date:
        errors["completed_date"] = "完成日期不能早于发现日期"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    _not_after_today(completed_date, "完成日期")
    changes = {"rectification_note": account.strip(), "completed_date": completed_date}
    return _apply(actor, locked, ProblemAction.RECTIFY, completed_date, account.strip(), changes)


@transaction.atomic
def problem_close(
    *,
    actor: Actor,
    scope: Scope,
    problem: Problem,
    expected_version: int | None,
    closed_date: dt.date,
    note: str = "",
) -> Problem:
    """核验销号: verified by someone other than the responsible person."""
    locked = _locked(problem, expected_version)
    if scope.cadre_id is not None and scope.cadre_id == locked.responsible_person_id:
        raise PermissionDenied("责任人不能核验销号自己负责的问题")
    if not may_verify_problem(scope, locked):
        raise PermissionDenied("您无权核验销号该问题")
    if locked.completed_date and closed_date < locked.completed_date:
        raise ApplicationError(
            "销号日期不能早于完成日期", field_errors={"closed_date": "销号日期不能早于完成日期"}
        )
    _not_after_today(closed_date, "销号日期")
    return _apply(actor, locked, ProblemAction.CLOSE, closed_date, note.strip(), {"closed_date": closed_date})


def _reason(reason: str, label: str) -> str:
    if not reason.strip():
        raise ApplicationError(f"请填写{label}原因", field_errors={"reason": f"请填写{label}原因"})
    return reason.strip()


@transaction.atomic
def problem_reject(
    *, actor: Actor, scope: Scope, problem: Problem, expected_version: int | None, reason: str
) -> Problem:
    """核验退回: the rectification is not accepted; the problem goes back to 整改中 with the reason."""
    locked = _locked(problem, expected_version)
    if not may_verify_problem(scope, locked):
        raise PermissionDenied("您无权核验该问题")
    text = _reason(reason, "退回")
    return _apply(actor, locked, ProblemAction.REJECT, timezone.localdate(), text, {"completed_date": None})


@transaction.atomic
def problem_reopen(
    *, actor: Actor, scope: Scope, problem: Problem, expected_version: int | None, reason: str
) -> Problem:
    """重新打开: a closed (or rectified) problem came back; only the area's managers may."""
    locked = _locked(problem, expected_version)
    if not may_manage_problem(scope, locked):
        raise PermissionDenied("只有本级管理人员可以重新打开问题")
    text = _reason(reason, "重新打开")
    changes = {"completed_date": None, "closed_date": None}
    return _apply(actor, locked, ProblemAction.REOPEN, timezone.localdate(), text, changes)
