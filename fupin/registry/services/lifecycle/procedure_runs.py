"""Procedure runs: opening one, recording its steps in order, finishing and withdrawing it. The
last step's approval applies the procedure's effect on the household or its monitoring case."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from fupin.core.audit import Actor, change_entry, record_change
from fupin.core.exceptions import ApplicationError
from fupin.core.models import JSON, ChangeAction
from fupin.core.scope import Scope
from fupin.registry.models import (
    Household,
    MonitoringCase,
    MonitoringStatus,
    PovertyStatus,
    Procedure,
    ProcedureKind,
    ProcedureStatus,
    ProcedureStep,
    StepKind,
)
from fupin.registry.procedures import StepDefinition, next_step, steps_of
from fupin.registry.risk import clearance_obstacles
from fupin.registry.services.lifecycle.access import (
    EXIT_FROM,
    MONITORING_KINDS,
    check_exit,
    check_may_act,
    check_not_future,
    locked,
    required_reason,
    set_status,
    today,
)

# Procedures -------------------------------------------------------------------------------------


def _step_text(step: ProcedureStep) -> str:
    period = f"{step.on}至{step.ends_on}" if step.ends_on else f"{step.on}"
    result = "通过" if step.passed else "未通过"
    return f"{step.get_kind_display()} {period} {result} {step.actor_name}" + (
        f"（{step.note}）" if step.note else ""
    )


def procedure_snapshot(procedure: Procedure) -> JSON:
    """The procedure as the change log keeps it, with its steps (steps have no log of their own)."""
    steps = ProcedureStep.objects.filter(procedure=procedure).order_by("id")
    return procedure.audit_snapshot() | {"办理环节": [_step_text(s) for s in steps]}


def _log_procedure(actor: Actor, procedure: Procedure, before: JSON | None) -> None:
    action = ChangeAction.CREATE if before is None else ChangeAction.UPDATE
    change_entry(actor, procedure, action=action, before=before, after=procedure_snapshot(procedure)).save()


def open_procedure(
    actor: Actor,
    household: Household,
    kind: str,
    *,
    started_on: dt.date,
    year: int | None = None,
    due_on: dt.date | None = None,
    case: MonitoringCase | None = None,
) -> Procedure:
    """Create a procedure run; callers have checked permission and the household's state."""
    check_not_future(started_on, "开始日期")
    if Procedure.objects.filter(household=household, kind=kind, status=ProcedureStatus.IN_PROGRESS).exists():
        label = ProcedureKind(kind).label
        raise ApplicationError(f"该户已有进行中的“{label}”程序，请先办结或撤回")
    procedure = Procedure.objects.create(
        household=household,
        kind=kind,
        year=year or started_on.year,
        started_on=started_on,
        due_on=due_on,
        monitoring_case=case,
    )
    _log_procedure(actor, procedure, None)
    return procedure


@transaction.atomic
def procedure_start(
    *,
    actor: Actor,
    scope: Scope,
    household: Household,
    kind: str,
    started_on: dt.date | None = None,
    year: int | None = None,
) -> Procedure:
    """Start identification (a household not registered, applying again) or exit.

    Monitoring and clearance start through monitoring_case_open and risk_clear.
    """
    if kind in MONITORING_KINDS:
        raise ApplicationError("监测对象识别和风险消除请通过防返贫监测办理")
    if kind not in (ProcedureKind.IDENTIFICATION, ProcedureKind.EXIT):
        raise ApplicationError("未知的程序类型")
    label = str(ProcedureKind(kind).label)
    check_may_act(scope, household, steps_of(kind)[0].level, label)
    household = locked(household)
    started_on = started_on or today()
    if kind == ProcedureKind.EXIT:
        if household.poverty_status not in EXIT_FROM:
            raise ApplicationError(
                f"只有未脱贫或返贫户可以启动脱贫退出，该户为{household.get_poverty_status_display()}"
            )
        check_exit(household, year or started_on.year)
        return open_procedure(actor, household, kind, started_on=started_on, year=year)
    if household.poverty_status != PovertyStatus.NON_POOR:
        raise ApplicationError("只有一般农户可以重新申请识别；新农户请登记")
    procedure = open_procedure(actor, household, kind, started_on=started_on, year=year)
    set_status(actor, household, PovertyStatus.NEW, on=started_on, reason="申请识别", procedure=procedure)
    return procedure


def _recorded_steps(procedure: Procedure) -> list[ProcedureStep]:
    return list(ProcedureStep.objects.filter(procedure=procedure).order_by("id"))


def _check_step_dates(
    definition: StepDefinition,
    procedure: Procedure,
    previous: ProcedureStep | None,
    on: dt.date,
    ends_on: dt.date | None,
) -> None:
    check_not_future(on, "办理日期")
    if on < procedure.started_on:
        raise ApplicationError(f"办理日期不能早于程序开始日期{procedure.started_on}")
    if previous is not None:
        after = previous.ends_on or previous.on
        if previous.ends_on and on <= after:
            raise ApplicationError(f"须在公示期满（{after}）后办理“{definition.label}”")
        if on < after:
            raise ApplicationError(f"办理日期不能早于上一环节“{previous.get_kind_display()}”的日期{after}")
    if not definition.is_publicity:
        return
    if ends_on is None:
        raise ApplicationError("请填写公示结束日期", field_errors={"ends_on": "请填写公示结束日期"})
    days = (ends_on - on).days + 1
    if days < definition.min_days:
        message = f"公示期不少于{definition.min_days}天（本次为{max(days, 0)}天）"
        raise ApplicationError(message, field_errors={"ends_on": message})


def _check_completion(procedure: Procedure, household: Household) -> None:
    """What must still hold when the county approves (conditions may have changed since the start)."""
    if procedure.kind == ProcedureKind.EXIT:
        check_exit(household, procedure.year)
    if procedure.kind == ProcedureKind.RISK_CLEARANCE:
        obstacles = clearance_obstacles(household, procedure.year)
        if obstacles:
            raise ApplicationError("不能标注风险消除：" + "；".join(obstacles))


@transaction.atomic
def procedure_step_record(
    *,
    actor: Actor,
    scope: Scope,
    procedure: Procedure,
    step_kind: str,
    on: dt.date,
    ends_on: dt.date | None = None,
    passed: bool = True,
    note: str = "",
) -> ProcedureStep:
    """Record the next step. A step that does not pass rejects the procedure; the last step's
    approval completes it and applies its effect on the household or its monitoring case."""
    procedure = Procedure.objects.select_for_update().select_related("household").get(pk=procedure.pk)
    household = procedure.household
    if procedure.status != ProcedureStatus.IN_PROGRESS:
        raise ApplicationError(f"该程序已{procedure.get_status_display()}，不能再录入环节")
    label = StepKind(step_kind).label if step_kind in StepKind.values else step_kind
    recorded = _recorded_steps(procedure)
    if step_kind in {s.kind for s in recorded}:
        raise ApplicationError(f"“{label}”已办理，不能重复录入")
    if step_kind not in {s.kind for s in steps_of(procedure.kind)}:
        raise ApplicationError(f"“{procedure.get_kind_display()}”程序没有“{label}”环节")
    definition = next_step(procedure.kind, [s.kind for s in recorded])
    assert definition is not None  # every step is recorded only once, so one remains
    if definition.kind != step_kind:
        raise ApplicationError(f"请按顺序办理：下一环节应为“{definition.label}”，不能先办理“{label}”")
    check_may_act(scope, household, definition.level, definition.label)
    _check_step_dates(definition, procedure, recorded[-1] if recorded else None, on, ends_on)
    note = note.strip()
    if not passed and not note:
        raise ApplicationError("未通过时请填写意见", field_errors={"note": "未通过时请填写意见"})
    is_last = definition == steps_of(procedure.kind)[-1]
    if passed and is_last:
        _check_completion(procedure, household)
    before = procedure_snapshot(procedure)
    step = ProcedureStep.objects.create(
        procedure=procedure,
        kind=step_kind,
        on=on,
        ends_on=ends_on if definition.is_publicity else None,
        passed=passed,
        note=note[:500],
        actor=actor.user,
        actor_name=actor.name[:150],
    )
    if not passed:
        _finish(actor, procedure, ProcedureStatus.REJECTED, on=on, reason=note)
    elif is_last:
        _finish(actor, procedure, ProcedureStatus.APPROVED, on=on, reason=note)
    else:
        procedure.version += 1
        procedure.save(update_fields=["version", "updated_at"])
    _log_procedure(actor, procedure, before)
    return step


def _finish(actor: Actor, procedure: Procedure, status: str, *, on: dt.date, reason: str) -> None:
    procedure.status = status
    procedure.finished_on = on
    procedure.version += 1
    procedure.save(update_fields=["status", "finished_on", "version", "updated_at"])
    household = locked(procedure.household)
    approved = status == ProcedureStatus.APPROVED
    if procedure.kind == ProcedureKind.IDENTIFICATION:
        to_status = PovertyStatus.NOT_OUT if approved else PovertyStatus.NON_POOR
        why = "县级审批通过，识别为贫困户" if approved else f"识别{procedure.get_status_display()}：{reason}"
        if household.poverty_status == PovertyStatus.NEW:
            set_status(actor, household, to_status, on=on, reason=why, procedure=procedure)
    elif procedure.kind == ProcedureKind.EXIT and approved:
        set_status(
            actor,
            household,
            PovertyStatus.OUT,
            on=on,
            reason="县级审批通过，脱贫退出",
            procedure=procedure,
            exit_year=procedure.year,
        )
    elif procedure.kind in MONITORING_KINDS and procedure.monitoring_case_id is not None:
        _finish_case(actor, procedure, procedure.monitoring_case_id, approved=approved, on=on)


def _finish_case(actor: Actor, procedure: Procedure, case_id: int, *, approved: bool, on: dt.date) -> None:
    case = MonitoringCase.objects.select_for_update().get(pk=case_id)
    before = case.audit_snapshot()
    fields = ["status"]
    if procedure.kind == ProcedureKind.MONITORING:
        case.status = MonitoringStatus.MONITORED if approved else MonitoringStatus.NOT_INCLUDED
        if approved:
            case.identified_on = on
            fields.append("identified_on")
    elif approved:  # a clearance that is refused or withdrawn leaves the case monitored
        case.status = MonitoringStatus.CLEARED
        case.cleared_on = on
        case.risk_flags = []
        fields += ["cleared_on", "risk_flags"]
    if before == case.audit_snapshot():
        return
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    record_change(actor, case, action=ChangeAction.UPDATE, before=before)


@transaction.atomic
def procedure_withdraw(*, actor: Actor, scope: Scope, procedure: Procedure, reason: str) -> Procedure:
    procedure = Procedure.objects.select_for_update().select_related("household").get(pk=procedure.pk)
    check_may_act(scope, procedure.household, steps_of(procedure.kind)[0].level, "撤回程序")
    if procedure.status != ProcedureStatus.IN_PROGRESS:
        raise ApplicationError(f"该程序已{procedure.get_status_display()}，不能撤回")
    reason = required_reason(reason, "撤回原因")
    before = procedure_snapshot(procedure)
    _finish(actor, procedure, ProcedureStatus.WITHDRAWN, on=today(), reason=reason)
    _log_procedure(actor, procedure, before)
    return procedure
