"""Values and plans written in bulk: the `indicator-values` ledger and the demo county.

Rows arrive validated (the ledger checks scope, locks and rules and refuses a file with any error).
Each row is created or updated by its key (indicator, area, kind, period); an unchanged value is left
alone, so a second import of the same file changes nothing. Every change is a change-log row, and
the report of each touched form gets a new version, so a form opened before the import is refused
as stale instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.audit import Actor, change_entry, record_changes
from fupin.core.bulk import UpsertResult
from fupin.core.models import ChangeAction
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

LOCKED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@dataclass(frozen=True)
class ValueRow:
    data_set: DataSet
    indicator: Indicator
    area: Area
    kind: str
    year: int
    period: int
    value: Decimal
    comment: str = ""

    @property
    def period_type(self) -> str:
        return PeriodType.YEAR if self.kind == ValueKind.PLAN else self.data_set.period_type

    @property
    def key(self) -> tuple[int, int, str, str, int, int]:
        return (self.indicator.pk, self.area.pk, self.kind, self.period_type, self.year, self.period)

    @property
    def report_key(self) -> tuple[int, int, str, int, int]:
        return (self.data_set.pk, self.area.pk, self.kind, self.year, self.period)


def locked_reports(keys: set[tuple[int, int, str, int, int]]) -> set[tuple[int, int, str, int, int]]:
    """Which of these report keys belong to a submitted or approved report."""
    if not keys:
        return set()
    years = {key[3] for key in keys}
    found = Report.objects.filter(status__in=LOCKED_STATUSES, year__in=years).values_list(
        "data_set_id", "area_id", "kind", "year", "period"
    )
    return {key for key in found if key in keys}


@transaction.atomic
def values_upsert(*, actor: Actor, rows: Sequence[ValueRow]) -> UpsertResult:
    result = UpsertResult()
    if not rows:
        return result
    stored: dict[tuple[int, int, str, str, int, int], DataValue] = {}
    indicators = {r.indicator.pk for r in rows}
    years = {r.year for r in rows}
    areas = {r.area.pk for r in rows}
    for value in DataValue.objects.filter(indicator_id__in=indicators, year__in=years, area_id__in=areas):
        stored[
            (value.indicator_id, value.area_id, value.kind, value.period_type, value.year, value.period)
        ] = value
    new: list[DataValue] = []
    changed: list[DataValue] = []
    log = []
    for row in rows:
        found = stored.get(row.key)
        if found is None:
            new.append(
                DataValue(
                    indicator=row.indicator,
                    area=row.area,
                    area_code=row.area.code,
                    kind=row.kind,
                    period_type=row.period_type,
                    year=row.year,
                    period=row.period,
                    value=row.value,
                    comment=row.comment,
                )
            )
        elif found.value != row.value or found.comment != row.comment:
            value = found
            value.indicator = row.indicator
            before = value.audit_snapshot()
            value.value, value.comment, value.version = row.value, row.comment, value.version + 1
            changed.append(value)
            log.append(
                change_entry(
                    actor, value, action=ChangeAction.UPDATE, before=before, after=value.audit_snapshot()
                )
            )
        else:
            result.unchanged += 1
    DataValue.objects.bulk_create(new, batch_size=2000)
    DataValue.objects.bulk_update(changed, ["value", "comment", "version", "updated_at"], batch_size=2000)
    log += [
        change_entry(actor, v, action=ChangeAction.CREATE, before=None, after=v.audit_snapshot()) for v in new
    ]
    record_changes(log)
    _touch_reports(rows, {r.report_key for r in _rows_changed(rows, new, changed)})
    result.created, result.updated = len(new), len(changed)
    return result


def _rows_changed(rows: Sequence[ValueRow], new: list[DataValue], changed: list[DataValue]) -> list[ValueRow]:
    touched = {(v.indicator_id, v.area_id, v.kind, v.period_type, v.year, v.period) for v in [*new, *changed]}
    return [r for r in rows if r.key in touched]


def _touch_reports(rows: Sequence[ValueRow], keys: set[tuple[int, int, str, int, int]]) -> None:
    """Create the reports the rows belong to and bump the version of those that existed."""
    if not keys:
        return
    by_key = {r.report_key: r for r in rows if r.report_key in keys}
    existing = set(
        Report.objects.filter(
            data_set_id__in={k[0] for k in keys},
            area_id__in={k[1] for k in keys},
            year__in={k[3] for k in keys},
        ).values_list("data_set_id", "area_id", "kind", "year", "period")
    )
    bump = [k for k in keys if k in existing]
    for data_set_id, area_id, kind, year, period in bump:
        Report.objects.filter(
            data_set_id=data_set_id, area_id=area_id, kind=kind, year=year, period=period
        ).update(version=F("version") + 1)
    Report.objects.bulk_create(
        [
            Report(
                data_set=r.data_set,
                area=r.area,
                area_code=r.area.code,
                kind=r.kind,
                year=r.year,
                period=r.period,
            )
            for k, r in by_key.items()
            if k not in existing
        ],
        batch_size=2000,
    )


@transaction.atomic
def reports_settle(*, actor: Actor, reports: Sequence[Report], status: str, approved_level: str = "") -> int:
    """Set the approval state of many reports at once (the demo county's months already reported
    and approved), with a change-log row and a ReportEvent for each, as the one-by-one services
    leave them."""
    now = timezone.now()
    log, events = [], []
    for report in reports:
        before = report.audit_snapshot()
        report.status, report.approved_level, report.version = status, approved_level, report.version + 1
        if status != ReportStatus.OPEN and report.submitted_at is None:
            report.submitted_at = now
        log.append(
            change_entry(
                actor, report, action=ChangeAction.UPDATE, before=before, after=report.audit_snapshot()
            )
        )
        action = ReportAction.APPROVE if status == ReportStatus.APPROVED else ReportAction.SUBMIT
        events.append(
            ReportEvent(
                report=report,
                action=action,
                level=approved_level,
                actor=actor.user,
                actor_name=actor.name,
                at=now,
            )
        )
    Report.objects.bulk_update(
        list(reports), ["status", "approved_level", "version", "submitted_at"], batch_size=2000
    )
    ReportEvent.objects.bulk_create(events, batch_size=2000)
    record_changes(log)
    return len(reports)
