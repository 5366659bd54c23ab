"""What every lifecycle write shares: who may act on a household, the status change with its
history row, and the exit conditions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.registry.models import (
    Household,
    PovertyStatus,
    Procedure,
    ProcedureKind,
    StatusChange,
)
from fupin.registry.procedures import Level, may_record
from fupin.registry.risk import basic_needs_unmet, income_per_capita, poverty_line
from fupin.registry.visibility import household_q

LEVEL_NAMES = {
    Level.VILLAGE: "乡镇干部、该村驻村工作队或县扶贫办",
    Level.TOWN: "该乡镇干部或县扶贫办",
    Level.COUNTY: "县级管理员或县扶贫办",
}
# Procedures with their own entry points in monitoring.py, which open and close a MonitoringCase.
MONITORING_KINDS = (ProcedureKind.MONITORING, ProcedureKind.RISK_CLEARANCE)
EXIT_FROM = (PovertyStatus.NOT_OUT, PovertyStatus.RELAPSED)


# Permission -------------------------------------------------------------------------------------


def in_view(scope: Scope, household: Household) -> bool:
    return Household.objects.filter(household_q(scope), pk=household.pk).exists()


def check_may_act(scope: Scope, household: Household, level: Level, what: str) -> None:
    """Refuse unless the scope's role acts at `level` and the household is in its view."""
    if not may_record(scope, level) or not in_view(scope, household):
        raise PermissionDenied(f"“{what}”须由{LEVEL_NAMES[level]}办理，且该户须在您的管辖范围内")


def today() -> dt.date:
    return timezone.localdate()


def check_not_future(on: dt.date, label: str = "日期") -> None:
    if on > today():
        raise ApplicationError(f"{label}不能晚于今天", field_errors={"on": f"{label}不能晚于今天"})


def required_reason(reason: str, label: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ApplicationError(f"请填写{label}", field_errors={"reason": f"请填写{label}"})
    if len(reason) > 200:
        raise ApplicationError(f"{label}不超过200字", field_errors={"reason": f"{label}不超过200字"})
    return reason


# Status -----------------------------------------------------------------------------------------


def set_status(
    actor: Actor,
    household: Household,
    to_status: str,
    *,
    on: dt.date,
    reason: str = "",
    procedure: Procedure | None = None,
    **fields: object,
) -> None:
    """Change the household's 脱贫属性 (and companion fields), with a StatusChange and a log row."""
    before = household.audit_snapshot()
    from_status = household.poverty_status
    household.poverty_status = to_status
    for name, value in fields.items():
        setattr(household, name, value)
    household.version += 1
    household.save(update_fields=["poverty_status", *fields, "version", "updated_at"])
    record_change(actor, household, action=ChangeAction.UPDATE, before=before)
    StatusChange.objects.create(
        household=household,
        from_status=from_status,
        to_status=to_status,
        on=on,
        reason=reason[:200],
        procedure=procedure,
        actor=actor.user,
        actor_name=actor.name[:150],
    )


def locked(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


# Exit conditions --------------------------------------------------------------------------------


def exit_failures(household: Household, year: int) -> list[str]:
    """Each unmet exit condition (一超过、两不愁、三保障 and safe water), in Chinese; empty when met."""
    failures = []
    income = income_per_capita(household, year)
    line = poverty_line(household, year)
    if line is None:
        failures.append(f"未设置{year}年脱贫标准")
    elif income is None:
        failures.append(f"{year}年人均纯收入未录入")
    elif income <= line:
        failures.append(f"{year}年人均纯收入{income}元，未高于脱贫标准{line}元")
    for label, secured in household.basic_needs.items():
        if secured is None:
            failures.append(f"{label}：未评定")
    failures.extend(f"{label}：未保障" for label in basic_needs_unmet(household))
    return failures


def check_exit(household: Household, year: int) -> None:
    failures = exit_failures(household, year)
    if failures:
        raise ApplicationError("不符合脱贫退出条件：" + "；".join(failures))
