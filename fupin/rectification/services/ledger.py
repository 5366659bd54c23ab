"""The problems ledger (ledgers.md, problems 问题台账): its cells and its bulk write.

The ledger engine (fupin/ledgers/definitions/rectification.py) reads and checks the file; this is
where its rows become problems, and where a problem becomes a row again (the ledger export and the
整改台账 Excel share these cells, so a file exported and imported back changes nothing).

A row may put a problem in any state its columns justify. The workflow's history is kept all the
same: each status change that an import makes is written as the ProblemEvents the workflow would
have written, with the note "台账导入", dated by the row (开始整改 on the found date of a new
problem, 整改完成 on the completed date, 核验销号 on the closed date) and, for a step back, on the
day of the import.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core.audit import Actor, change_entry, record_change, record_changes
from fupin.core.bulk import UpsertResult, bulk_upsert, fetch_by_key
from fupin.core.models import ChangeAction, choice_label
from fupin.rectification.models import (
    Channel,
    Intake,
    Origin,
    Problem,
    ProblemAction,
    ProblemCategory,
    ProblemEvent,
    ProblemStatus,
)
from fupin.rectification.services.problems import categories_ensure_default

S = ProblemStatus
LEDGER_NOTE = "台账导入"
# The ledger's columns in ledgers.md order: key → Chinese header (the key is the English name).
LEDGER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "问题编号"),
    ("channel", "检视渠道"),
    ("origin", "问题来源"),
    ("category", "问题类别"),
    ("description", "问题描述"),
    ("area_code", "区划代码"),
    ("household_code", "户编号"),
    ("found_date", "发现日期"),
    ("responsible_unit_code", "责任单位编码"),
    ("responsible_leader_code", "责任领导干部编号"),
    ("responsible_person_code", "责任人干部编号"),
    ("measures", "整改措施"),
    ("deadline", "整改时限"),
    ("status", "整改状态"),
    ("completed_date", "完成日期"),
    ("closed_date", "销号日期"),
)
CHANNEL_LABELS = {str(label): value for value, label in Channel.choices}
ORIGIN_LABELS = {str(label): value for value, label in Origin.choices}
STATUS_LABELS = {str(label): value for value, label in ProblemStatus.choices}
# The states that need measures and a deadline (整改中 and later), a completed date, a closed date.
STARTED = frozenset({S.IN_PROGRESS, S.RECTIFIED, S.CLOSED})
COMPLETED = frozenset({S.RECTIFIED, S.CLOSED})
# Fields an empty cell leaves as stored (ledgers.md: an empty cell is "not given").
KEEP_WHEN_BLANK = ("household", "responsible_leader", "responsible_person", "measures", "deadline")
SNAPSHOT_RELATIONS = ("category", "household", "responsible_unit", "responsible_leader", "responsible_person")
_RANK = {S.OPEN: 0, S.IN_PROGRESS: 1, S.RECTIFIED: 2, S.CLOSED: 3}
_FORWARD = {
    S.IN_PROGRESS: ProblemAction.START,
    S.RECTIFIED: ProblemAction.RECTIFY,
    S.CLOSED: ProblemAction.CLOSE,
}
_ORDERED = (S.OPEN, S.IN_PROGRESS, S.RECTIFIED, S.CLOSED)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _code(related: Any) -> str:
    return related.code if related is not None else ""


def ledger_cells(problem: Problem) -> dict[str, str]:
    """A problem as the cells of its ledger row (relations should be selected with it)."""
    return {
        "code": problem.code,
        "channel": choice_label(Channel, problem.channel),
        "origin": choice_label(Origin, problem.origin),
        "category": problem.category.name,
        "description": problem.description,
        "area_code": problem.area_code,
        "household_code": _code(problem.household),
        "found_date": _date(problem.found_date),
        "responsible_unit_code": _code(problem.responsible_unit),
        "responsible_leader_code": _code(problem.responsible_leader),
        "responsible_person_code": _code(problem.responsible_person),
        "measures": problem.measures,
        "deadline": _date(problem.deadline),
        "status": choice_label(ProblemStatus, problem.status),
        "completed_date": _date(problem.completed_date),
        "closed_date": _date(problem.closed_date),
    }


def status_steps(before: str, after: str) -> list[tuple[ProblemAction, str, str]]:
    """The workflow steps (action, from, to) that take a problem from `before` to `after`: forward
    one state at a time; back in one step (核验退回 from 已整改 to 整改中, else 重新打开)."""
    if before == after:
        return []
    if _RANK[S(after)] > _RANK[S(before)]:
        path = _ORDERED[_RANK[S(before)] : _RANK[S(after)] + 1]
        return [(_FORWARD[target], source, target) for source, target in pairwise(path)]
    back = ProblemAction.REJECT if (before, after) == (S.RECTIFIED, S.IN_PROGRESS) else ProblemAction.REOPEN
    return [(back, before, after)]


def _step_day(action: ProblemAction, row: dict[str, Any], *, new: bool, today: dt.date) -> dt.date:
    found: dt.date = row["found_date"]
    if action == ProblemAction.RECTIFY:
        return row["completed_date"] or today
    if action == ProblemAction.CLOSE:
        return row["closed_date"] or today
    if action == ProblemAction.START:
        if new:
            return found
        # Started by this import: today, unless the row says it was completed before today.
        return max(found, min(today, row["completed_date"] or today))
    return today


@transaction.atomic
def categories_for(
    *, actor: Actor, wanted: Iterable[tuple[Area, str]]
) -> dict[tuple[str, str], ProblemCategory]:
    """The categories named, by (county code, name): a county that has never configured any gets the
    default list first (as when it files its first problem), and a name it lacks is added to it."""
    names_by_county: dict[str, set[str]] = defaultdict(set)
    counties: dict[str, Area] = {}
    for county, name in wanted:
        counties[county.code] = county
        names_by_county[county.code].add(name)
    found: dict[tuple[str, str], ProblemCategory] = {}
    for code, names in sorted(names_by_county.items()):
        county = counties[code]
        categories_ensure_default(actor=actor, county=county)
        stored = {c.name: c for c in ProblemCategory.objects.filter(county=county, name__in=sorted(names))}
        order = ProblemCategory.objects.filter(county=county).aggregate(m=Max("order"))["m"] or 0
        for name in sorted(names - set(stored)):
            order += 1
            category = ProblemCategory.objects.create(county=county, name=name, order=order)
            record_change(actor, category, action=ChangeAction.CREATE, before=None)
            stored[name] = category
        found.update({(code, name): category for name, category in stored.items()})
    return found


def _with_dates_of_status(row: dict[str, Any]) -> dict[str, Any]:
    """A state before 已整改 has no completed date, one before 已销号 no closed date."""
    status = row["status"]
    return row | {
        "completed_date": row["completed_date"] if status in COMPLETED else None,
        "closed_date": row["closed_date"] if status == S.CLOSED else None,
        "area_code": row["area"].code,
    }


@transaction.atomic
def problems_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]], today: dt.date) -> UpsertResult:
    """Create or update problems by code from ledger rows (model fields, related records resolved),
    with the change log and the ProblemEvents of every status change the rows make."""
    prepared = [_with_dates_of_status(row) for row in rows]
    stored = fetch_by_key(Problem.objects.only("code", "status"), "code", [r["code"] for r in prepared])
    before = {code: problem.status for code, problem in stored.items()}
    for row in prepared:
        if row["code"] not in before:
            row.update(intake=Intake.LEDGER, created_by=actor.user)
    created: list[Problem] = []
    result = bulk_upsert(
        Problem,
        key="code",
        rows=prepared,
        actor=actor,
        after_create=created.extend,
        keep_when_blank=KEEP_WHEN_BLANK,
        select_related=SNAPSHOT_RELATIONS,
    )
    changed = {
        row["code"]: row for row in prepared if row["code"] in before and before[row["code"]] != row["status"]
    }
    ids = {code: problem.pk for code, problem in stored.items()}
    events = [event for problem in created for event in _events_of_new(actor, problem, today)]
    for code, row in changed.items():
        for action, source, target in status_steps(before[code], row["status"]):
            events.append(
                _event(
                    actor, ids[code], action, source, target, _step_day(action, row, new=False, today=today)
                )
            )
    ProblemEvent.objects.bulk_create(events, batch_size=1000)
    return result


def _events_of_new(actor: Actor, problem: Problem, today: dt.date) -> list[ProblemEvent]:
    row = {
        "found_date": problem.found_date,
        "completed_date": problem.completed_date,
        "closed_date": problem.closed_date,
    }
    events = [_event(actor, problem.pk, ProblemAction.CREATE, "", S.OPEN, problem.found_date)]
    for action, source, target in status_steps(S.OPEN, problem.status):
        events.append(
            _event(actor, problem.pk, action, source, target, _step_day(action, row, new=True, today=today))
        )
    return events


def _event(
    actor: Actor, problem_id: int, action: ProblemAction, source: str, target: str, on: dt.date
) -> ProblemEvent:
    return ProblemEvent(
        problem_id=problem_id,
        action=action,
        from_status=source,
        to_status=target,
        on=on,
        by=actor.user,
        by_name=actor.name[:150],
        note=LEDGER_NOTE,
    )


@transaction.atomic
def problems_flag(*, actor: Actor, fix_at_once: Iterable[str] = (), long_term: Iterable[str] = ()) -> int:
    """Mark problems (by code) as 即知即改 or 长期整改 — flags the ledger has no column for, set
    after an import (the demo county's). Returns how many problems changed."""
    wanted = {code: {"fix_at_once": True} for code in fix_at_once}
    for code in long_term:
        wanted.setdefault(code, {})["long_term"] = True
    problems = Problem.objects.filter(code__in=sorted(wanted)).select_related(*SNAPSHOT_RELATIONS)
    entries, changed = [], []
    now = timezone.now()
    for problem in problems:
        flags = {k: v for k, v in wanted[problem.code].items() if getattr(problem, k) != v}
        if not flags:
            continue
        snapshot = problem.audit_snapshot()
        for name, value in flags.items():
            setattr(problem, name, value)
        problem.version += 1
        problem.updated_at = now
        changed.append(problem)
        entries.append(
            change_entry(
                actor, problem, action=ChangeAction.UPDATE, before=snapshot, after=problem.audit_snapshot()
            )
        )
    Problem.objects.bulk_update(
        changed, ["fix_at_once", "long_term", "version", "updated_at"], batch_size=1000
    )
    record_changes(entries)
    return len(changed)
