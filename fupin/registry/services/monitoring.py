"""Relapse-prevention monitoring (防止返贫动态监测): opening a case, clearing its risk, recording
sudden hardship.

A case opens with the monitoring-identification procedure, due 15 days after the first risk lead;
the county's approval makes it 监测中 (lifecycle.procedure_step_record applies that). Clearance runs
its own procedure and is refused while the household still shows risk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError
from fupin.core.models import ChangeAction
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.registry.models import (
    HardshipEvent,
    HardshipKind,
    Household,
    MonitoringCase,
    MonitoringStatus,
    MonitoringType,
    PovertyStatus,
    Procedure,
    ProcedureKind,
)
from fupin.registry.procedures import MONITORING_DEADLINE_DAYS, Level
from fupin.registry.risk import clearance_obstacles, risk_flags
from fupin.registry.services.lifecycle import check_may_act, household_create, in_view, open_procedure

OPEN_STATUSES = (MonitoringStatus.IDENTIFYING, MonitoringStatus.MONITORED)
# Which monitoring types a household may be opened as, by its status (domain-china.md §1.5).
TYPES_BY_STATUS: dict[str, tuple[str, ...]] = {
    PovertyStatus.OUT: (MonitoringType.UNSTABLE_EXITED,),
    PovertyStatus.NON_POOR: (MonitoringType.EDGE, MonitoringType.SUDDEN_HARDSHIP),
    # Still in identification: not yet registered poor, so at most an edge or hardship case.
    PovertyStatus.NEW: (MonitoringType.EDGE, MonitoringType.SUDDEN_HARDSHIP),
}


def _monitoring_type_for(household: Household, chosen: str | None) -> str:
    allowed = TYPES_BY_STATUS.get(household.poverty_status)
    if allowed is None:
        status = household.get_poverty_status_display()
        raise ApplicationError(f"{status}户不纳入防返贫监测：只监测已脱贫户、一般农户和新识别户")
    if chosen is None and len(allowed) == 1:
        return allowed[0]
    if chosen not in allowed:
        labels = "或".join(str(MonitoringType(t).label) for t in allowed)
        message = f"{household.get_poverty_status_display()}应纳入为{labels}"
        raise ApplicationError(message, field_errors={"monitoring_type": message})
    return chosen


@transaction.atomic
def monitoring_case_open(
    *,
    actor: Actor,
    scope: Scope,
    household: Household,
    lead_on: dt.date,
    lead_source: str = "",
    monitoring_type: str | None = None,
) -> MonitoringCase:
    """Open a case on a risk lead and start its identification procedure (due lead + 15 days)."""
    check_may_act(scope, household, Level.VILLAGE, "监测对象识别")
    household = Household.objects.select_for_update().get(pk=household.pk)
    chosen = _monitoring_type_for(household, monitoring_type)
    if lead_on > timezone.localdate():
        raise ApplicationError("风险线索日期不能晚于今天", field_errors={"lead_on": "不能晚于今天"})
    if MonitoringCase.objects.filter(household=household, status__in=OPEN_STATUSES).exists():
        raise ApplicationError("该户已是监测对象或正在识别，不能重复纳入")
    case = MonitoringCase.objects.create(
        household=household,
        monitoring_type=chosen,
        lead_on=lead_on,
        lead_source=lead_source.strip()[:50],
        risk_flags=risk_flags(household, lead_on.year),
    )
    record_change(actor, case, action=ChangeAction.CREATE, before=None)
    open_procedure(
        actor,
        household,
        ProcedureKind.MONITORING,
        started_on=lead_on,
        due_on=lead_on + dt.timedelta(days=MONITORING_DEADLINE_DAYS),
        case=case,
    )
    return case


@transaction.atomic
def monitored_household_register(
    *,
    actor: Actor,
    scope: Scope,
    village: Area,
    code: str,
    head_name: str,
    head_id_number: str,
    size: int,
    category: str,
    main_cause: str,
    identification_standard: str,
    monitoring_type: str,
    lead_on: dt.date,
    lead_source: str = "",
    other_causes: Sequence[str] = (),
    phone: str = "",
) -> MonitoringCase:
    """A household never registered poor comes to notice (edge or sudden hardship): record it as
    一般农户 and open its case."""
    household = household_create(
        actor,
        scope,
        village=village,
        status=PovertyStatus.NON_POOR,
        on=lead_on,
        reason="纳入防返贫监测",
        code=code,
        head_name=head_name,
        head_id_number=head_id_number,
        size=size,
        identification_standard=identification_standard,
        category=category,
        main_cause=main_cause,
        other_causes=other_causes,
        phone=phone,
    )
    return monitoring_case_open(
        actor=actor,
        scope=scope,
        household=household,
        lead_on=lead_on,
        lead_source=lead_source,
        monitoring_type=monitoring_type,
    )


@transaction.atomic
def risk_clear(
    *, actor: Actor, scope: Scope, case: MonitoringCase, started_on: dt.date | None = None
) -> Procedure:
    """Start the clearance procedure (风险消除) of a monitored household whose risk is gone."""
    case = MonitoringCase.objects.select_for_update().select_related("household").get(pk=case.pk)
    check_may_act(scope, case.household, Level.VILLAGE, "风险消除")
    if case.status != MonitoringStatus.MONITORED:
        raise ApplicationError(f"只有监测中的对象可以办理风险消除，该对象{case.get_status_display()}")
    started_on = started_on or timezone.localdate()
    obstacles = clearance_obstacles(case.household, started_on.year, today=started_on)
    if obstacles:
        raise ApplicationError("不能启动风险消除：" + "；".join(obstacles))
    return open_procedure(
        actor, case.household, ProcedureKind.RISK_CLEARANCE, started_on=started_on, case=case
    )


@transaction.atomic
def hardship_event_record(
    *,
    actor: Actor,
    scope: Scope,
    household: Household,
    kind: str,
    on: dt.date,
    expense: Decimal = Decimal(0),
    note: str = "",
) -> HardshipEvent:
    """A sudden event that may push the household back; the paired cadre may record it too."""
    if not (scope.role == Role.PAIRED_CADRE and in_view(scope, household)):
        check_may_act(scope, household, Level.VILLAGE, "突发事件登记")
    errors = {}
    if kind not in HardshipKind.values:
        errors["kind"] = "请选择事件类型"
    if on > timezone.localdate():
        errors["on"] = "发生日期不能晚于今天"
    if expense < 0:
        errors["expense"] = "刚性支出不能为负数"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    event = HardshipEvent.objects.create(
        household=household, kind=kind, on=on, expense=expense, note=note.strip()[:500]
    )
    record_change(actor, event, action=ChangeAction.CREATE, before=None)
    return event
