"""Entering a data set's values (or annual plans) for an area and a period.

A form carries the report's version; a save against a stale version is refused, never merged. Only an
open report takes values: once submitted it is locked for the submitter, once approved for everyone,
until the approver unapproves it (fupin.indicators.services.approval). Every value written, changed
or cleared leaves a change-log row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.audit import Actor, change_entry, record_change, record_changes
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction, ChangeLog
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.indicators.models import (
    DataSet,
    DataValue,
    Indicator,
    PeriodType,
    Report,
    ReportAction,
    ReportEvent,
    ReportStatus,
    ValueKind,
)
from fupin.indicators.validation import entry_problems

ENTRY_ROLES = frozenset({SUPERUSER, Role.COUNTY_ADMIN, Role.OFFICE_STAFF, Role.TOWN_OFFICIAL, Role.WORK_TEAM})
STALE = "该报表已被他人修改，请刷新后重新填报"
LOCKED = {
    ReportStatus.SUBMITTED: "该报表已上报，数据已锁定；如需修改请由审核单位退回",
    ReportStatus.APPROVED: "该报表已审核，数据已锁定；更正须由审核单位先撤销审核",
}


RETIRED = "报表“{}”已停用，不再填报"


def entered_indicators(data_set: DataSet) -> list[Indicator]:
    """The indicators a form of the data set takes: retired ones are left out (and their stored
    values left alone)."""
    return list(data_set.indicators.filter(active=True).order_by("order", "code"))


@dataclass(frozen=True)
class Entry:
    value: Decimal | None
    comment: str = ""


def may_enter(scope: Scope, data_set: DataSet, area: Area) -> bool:
    """Users of the area (or above it) with an entry role fill the forms of its level."""
    return scope.role in ENTRY_ROLES and area.level == data_set.level and scope.covers_code(area.code)


def periods_of(period_type: str, kind: str) -> range:
    if kind == ValueKind.PLAN or period_type == PeriodType.YEAR:
        return range(0, 1)
    return range(1, 13) if period_type == PeriodType.MONTH else range(1, 5)


def report_get(*, data_set: DataSet, area: Area, kind: str, year: int, period: int) -> Report:
    """The report of a form, unsaved (version 0) when nothing has been entered yet."""
    if period not in periods_of(data_set.period_type, kind):
        raise ApplicationError("期间无效", field_errors={"period": "期间无效"})
    found = Report.objects.filter(data_set=data_set, area=area, kind=kind, year=year, period=period).first()
    return found or Report(data_set=data_set, area=area, kind=kind, year=year, period=period, version=0)


def _locked_report(report: Report) -> Report:
    if report.pk is None:
        report.save()  # version 0 until its first save is counted below
        return report
    return Report.objects.select_for_update().get(pk=report.pk)


def check_open(report: Report) -> None:
    if report.status != ReportStatus.OPEN:
        raise PermissionDenied(LOCKED[ReportStatus(report.status)])


@transaction.atomic
def values_save(
    *,
    actor: Actor,
    scope: Scope,
    data_set: DataSet,
    area: Area,
    kind: str = ValueKind.ACTUAL,
    year: int,
    period: int,
    entries: Mapping[str, Entry],
    expected_version: int,
) -> Report:
    """Write the form's values (an indicator code absent or with value None is cleared)."""
    if not may_enter(scope, data_set, area):
        raise PermissionDenied("您不能填报该区划的此报表")
    report = report_get(data_set=data_set, area=area, kind=kind, year=year, period=period)
    if report.version != expected_version:
        raise ConflictError(STALE)
    report = _locked_report(report)
    if report.version != expected_version:
        raise ConflictError(STALE)
    check_open(report)
    if not data_set.active:
        raise PermissionDenied(RETIRED.format(data_set.name))
    indicators = entered_indicators(data_set)
    problems = entry_problems(data_set, indicators, entries, kind=kind)
    if problems:
        raise ApplicationError("填报数据未通过校验：" + "；".join(problems.values()), field_errors=problems)
    period_type = PeriodType.YEAR if kind == ValueKind.PLAN else data_set.period_type
    log = _write_values(
        actor, indicators, entries, area=area, kind=kind, period_type=period_type, year=year, period=period
    )
    before = report.audit_snapshot()
    report.version += 1
    report.save(update_fields=["version", "updated_at"])
    record_changes(log)
    if log:
        event(report, ReportAction.SAVE, actor)
        record_change(actor, report, action=ChangeAction.UPDATE, before=before)
    return report


def _write_values(
    actor: Actor,
    indicators: Sequence[Indicator],
    entries: Mapping[str, Entry],
    *,
    area: Area,
    kind: str,
    period_type: str,
    year: int,
    period: int,
) -> list[ChangeLog]:
    stored = {
        v.indicator_id: v
        for v in DataValue.objects.filter(
            indicator__in=indicators, area=area, kind=kind, period_type=period_type, year=year, period=period
        ).select_related("indicator")
    }
    log: list[ChangeLog] = []
    for indicator in indicators:
        entry = entries.get(indicator.code, Entry(None))
        value = stored.get(indicator.pk)
        if entry.value is None:
            if value is not None:
                before = value.audit_snapshot()
                log.append(change_entry(actor, value, action=ChangeAction.DELETE, before=before, after=None))
                value.delete()
            continue
        if value is None:
            value = DataValue(
                indicator=indicator, area=area, kind=kind, period_type=period_type, year=year, period=period
            )
            value.value, value.comment = entry.value, entry.comment
            value.save()
            log.append(
                change_entry(
                    actor, value, action=ChangeAction.CREATE, before=None, after=value.audit_snapshot()
                )
            )
        elif value.value != entry.value or value.comment != entry.comment:
            before = value.audit_snapshot()
            value.value, value.comment, value.version = entry.value, entry.comment, value.version + 1
            value.save()
            log.append(
                change_entry(
                    actor, value, action=ChangeAction.UPDATE, before=before, after=value.audit_snapshot()
                )
            )
    return log


def event(report: Report, action: str, actor: Actor, *, level: str = "", note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        action=action,
        level=level,
        actor=actor.user,
        actor_name=actor.name,
        at=timezone.now(),
        note=note,
    )
