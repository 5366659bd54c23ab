"""Writes of the chain of responsibility: leader → town, unit → village, work team → village and
cadre → household, one at a time (pages, API) or in bulk (ledgers).

Every kind of assignment is described once by an `AssignmentKind`: its key, what may be edited,
who may assign it, and the rules its periods obey. The single-record services and the bulk upserts
run the same checks through `assignment_problems`, which the ledgers also call to report each
problem against its row before anything is written.

Rules (ledgers.md and the duty brief): the end date is not before the start date; a leader holds
the category 县级领导; a town is a 乡镇 and a village a 村; the same cadre and household (cadre and
village in work teams, unit and village, leader and town) never have two overlapping periods; a
village has at most one 第一书记 (or 第一书记兼队长) on any day; a cadre serves in one village's work
team on any day; a household that is 注销 gets no new pairing. County managers assign within their
area; a town official pairs cadres and staffs work teams within the town.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models import Q

from fupin.areas.models import Area, AreaLevel
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import (
    CHUNK,
    UpsertResult,
    bulk_upsert,
    composite_key_of,
    fetch_by_composite_key,
    update_fields_checked,
)
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.duty.models import (
    FIRST_SECRETARY_ROLES,
    Assignment,
    LeaderTown,
    Pairing,
    TeamRole,
    UnitVillage,
    WorkTeamMember,
)
from fupin.people.models import Cadre, CadreCategory, Unit
from fupin.registry.models import Household, PovertyStatus

A = TypeVar("A", bound=Assignment)

CONFLICT_MESSAGE = "该记录已被他人修改，请刷新后重新编辑（未保存您的修改）。"
# index of a proposed assignment → [(model field, reason in Chinese)]
Problems = dict[int, list[tuple[str, str]]]
RowLabel = Callable[[int], str]


def period_text(assignment: Assignment) -> str:
    start = assignment.start_date.isoformat()
    return f"{start}至{assignment.end_date.isoformat()}" if assignment.end_date else f"{start}起"


def periods_overlap(a: Assignment, b: Assignment) -> bool:
    """Two periods share at least one day; an empty end date runs on without end."""
    return (b.end_date is None or a.start_date <= b.end_date) and (
        a.end_date is None or b.start_date <= a.end_date
    )


@dataclass(frozen=True)
class ExclusiveRule(Generic[A]):
    """Assignments of one group (e.g. the same cadre and household) may not overlap in time."""

    field: str
    group: Callable[[A], Hashable | None]
    # What is wrong, given the assignment checked and the one it collides with.
    conflict: Callable[[A, A], str]


@dataclass(frozen=True)
class AssignmentKind(Generic[A]):
    model: type[A]
    label: str
    key_fields: tuple[str, ...]
    # Fields an edit may change; the key's parties (who and where) never change.
    editable: frozenset[str]
    # Optional fields that an empty ledger cell leaves as stored (ledgers.md: empty = not given).
    optional: tuple[str, ...]
    # Only county managers decide it (not a town official).
    county_level: bool
    # The area code the actor's permission is judged on.
    target_code: Callable[[A], str]
    # Checks of one assignment on its own: (assignment, is it new) → problems.
    own_checks: Callable[[A, bool], list[tuple[str, str]]]
    # Stored assignments that the proposed ones might collide with (a superset is fine).
    stored_near: Callable[[Sequence[A]], Iterable[A]]
    rules: tuple[ExclusiveRule[A], ...]
    # Rows to lock so that two concurrent writes cannot both pass the overlap checks.
    anchors: Callable[[A], list[tuple[type[models.Model], int]]]


def _dates_problems(assignment: Assignment) -> list[tuple[str, str]]:
    if assignment.end_date is not None and assignment.end_date < assignment.start_date:
        return [("end_date", "结束日期不能早于开始日期")]
    return []


def _level_problem(field: str, area: Area, level: str, label: str) -> list[tuple[str, str]]:
    if area.level != level:
        return [(field, f"{area.name}（{area.code}）不是{label}")]
    return []


def _in_chunks(items: Sequence[A], fetch: Callable[[Sequence[A]], Iterable[A]]) -> list[A]:
    found: dict[int, A] = {}
    step = CHUNK // 2
    for start in range(0, len(items), step):
        for obj in fetch(items[start : start + step]):
            found[obj.pk] = obj
    return list(found.values())


# -- pairings ------------------------------------------------------------------------------------
def _pairing_checks(pairing: Pairing, is_new: bool) -> list[tuple[str, str]]:
    problems = _dates_problems(pairing)
    # A cancelled household gets no new helper; a pairing that ended is history and may be recorded.
    if is_new and pairing.end_date is None and pairing.household.poverty_status == PovertyStatus.CANCELLED:
        problems.append(("household", f"{pairing.household.code} 已注销，不能新增未结束的结对帮扶"))
    return problems


def _pairings_near(proposed: Sequence[Pairing]) -> list[Pairing]:
    return _in_chunks(
        proposed,
        lambda chunk: Pairing.objects.filter(
            cadre_id__in={p.cadre_id for p in chunk}, household_id__in={p.household_id for p in chunk}
        ),
    )


PAIRINGS: AssignmentKind[Pairing] = AssignmentKind(
    model=Pairing,
    label="结对帮扶",
    key_fields=("cadre", "household", "start_date"),
    editable=frozenset({"start_date", "end_date"}),
    optional=("end_date",),
    county_level=False,
    target_code=lambda p: p.household.area_code,
    own_checks=_pairing_checks,
    stored_near=_pairings_near,
    rules=(
        ExclusiveRule(
            "start_date",
            lambda p: (p.cadre_id, p.household_id),
            lambda a, b: "该干部与该户的结对时段与另一结对重叠",
        ),
    ),
    anchors=lambda p: [(Household, p.household_id)],
)


# -- work teams ----------------------------------------------------------------------------------
def _work_team_checks(member: WorkTeamMember, is_new: bool) -> list[tuple[str, str]]:
    problems = _dates_problems(member)
    problems += _level_problem("village", member.village, AreaLevel.VILLAGE, "村")
    if member.role not in TeamRole.values:
        problems.append(("role", f"队内职务应为：{'、'.join(str(label) for label in TeamRole.labels)}"))
    return problems


def _work_teams_near(proposed: Sequence[WorkTeamMember]) -> list[WorkTeamMember]:
    return _in_chunks(
        proposed,
        lambda chunk: WorkTeamMember.objects.filter(
            Q(cadre_id__in={m.cadre_id for m in chunk})
            | Q(village_id__in={m.village_id for m in chunk}, role__in=FIRST_SECRETARY_ROLES)
        ).select_related("village", "cadre"),
    )


def _team_cadre_conflict(a: WorkTeamMember, b: WorkTeamMember) -> str:
    if a.village_id == b.village_id:
        return "该干部在该村的驻村时段与另一记录重叠"
    return f"该干部同期已在{b.village.name}（{b.village.code}）驻村，同一天只能在一个村的工作队"


WORK_TEAMS: AssignmentKind[WorkTeamMember] = AssignmentKind(
    model=WorkTeamMember,
    label="驻村工作队",
    key_fields=("village", "cadre", "start_date"),
    editable=frozenset({"role", "sending_unit", "start_date", "end_date"}),
    optional=("end_date",),
    county_level=False,
    target_code=lambda m: m.village.code,
    own_checks=_work_team_checks,
    stored_near=_work_teams_near,
    rules=(
        ExclusiveRule("start_date", lambda m: m.cadre_id, _team_cadre_conflict),
        ExclusiveRule(
            "role",
            lambda m: m.village_id if m.role in FIRST_SECRETARY_ROLES else None,
            lambda a, b: f"该村同期已有第一书记{b.cadre.name}（{b.cadre.code}）",
        ),
    ),
    anchors=lambda m: [(Area, m.village_id), (Cadre, m.cadre_id)],
)


# -- unit → village ------------------------------------------------------------------------------
def _unit_village_checks(assignment: UnitVillage, is_new: bool) -> list[tuple[str, str]]:
    return _dates_problems(assignment) + _level_problem(
        "village", assignment.village, AreaLevel.VILLAGE, "村"
    )


UNIT_VILLAGES: AssignmentKind[UnitVillage] = AssignmentKind(
    model=UnitVillage,
    label="单位包村",
    key_fields=("unit", "village", "start_date"),
    editable=frozenset({"start_date", "end_date"}),
    optional=("end_date",),
    county_level=True,
    target_code=lambda u: u.village.code,
    own_checks=_unit_village_checks,
    stored_near=lambda proposed: _in_chunks(
        proposed,
        lambda chunk: UnitVillage.objects.filter(
            unit_id__in={u.unit_id for u in chunk}, village_id__in={u.village_id for u in chunk}
        ),
    ),
    rules=(
        ExclusiveRule(
            "start_date",
            lambda u: (u.unit_id, u.village_id),
            lambda a, b: "该单位包该村的时段与另一记录重叠",
        ),
    ),
    anchors=lambda u: [(Area, u.village_id)],
)


# -- leader → town -------------------------------------------------------------------------------
def _leader_town_checks(assignment: LeaderTown, is_new: bool) -> list[tuple[str, str]]:
    problems = _dates_problems(assignment)
    problems += _level_problem("town", assignment.town, AreaLevel.TOWN, "乡镇")
    if CadreCategory.COUNTY_LEADER not in assignment.cadre.category_list:
        problems.append(("cadre", f"{assignment.cadre.name}（{assignment.cadre.code}）不是县级领导"))
    return problems


LEADER_TOWNS: AssignmentKind[LeaderTown] = AssignmentKind(
    model=LeaderTown,
    label="领导包镇",
    key_fields=("cadre", "town", "start_date"),
    editable=frozenset({"lead_unit", "start_date", "end_date"}),
    optional=("end_date", "lead_unit"),
    county_level=True,
    target_code=lambda t: t.town.code,
    own_checks=_leader_town_checks,
    stored_near=lambda proposed: _in_chunks(
        proposed,
        lambda chunk: LeaderTown.objects.filter(
            cadre_id__in={t.cadre_id for t in chunk}, town_id__in={t.town_id for t in chunk}
        ),
    ),
    rules=(
        ExclusiveRule(
            "start_date",
            lambda t: (t.cadre_id, t.town_id),
            lambda a, b: "该领导包该镇的时段与另一记录重叠",
        ),
    ),
    anchors=lambda t: [(Area, t.town_id)],
)


# -- checks shared by every kind -----------------------------------------------------------------
def may_assign(scope: Scope, area_code: str, *, county_level: bool) -> bool:
    """County managers assign within their area; a town official pairs and staffs work teams in
    its town; nobody else assigns."""
    if scope.role == SUPERUSER:
        return True
    if not scope.covers_code(area_code):
        return False
    if scope.can_manage:
        return True
    return not county_level and scope.role == Role.TOWN_OFFICIAL


def may_manage_assignments(scope: Scope) -> bool:
    """Whether the scope assigns anything at all (to show forms and buttons)."""
    return scope.role == SUPERUSER or scope.can_manage or scope.role == Role.TOWN_OFFICIAL


def _check_may_assign(scope: Scope, kind: AssignmentKind[A], assignment: A) -> None:
    if not may_assign(scope, kind.target_code(assignment), county_level=kind.county_level):
        raise PermissionDenied(f"您无权在该区划安排{kind.label}")


def assignment_problems(
    kind: AssignmentKind[A], proposed: Sequence[A], *, row_label: RowLabel | None = None
) -> Problems:
    """Every problem of the proposed assignments, checked together and against the stored ones.

    A proposed assignment with a primary key replaces that stored record (an edit, or a ledger row
    whose key exists). `row_label` names another proposed assignment in a message ("第3行").
    """
    label = row_label or (lambda index: f"第{index + 1}条")
    problems: Problems = defaultdict(list)
    for index, assignment in enumerate(proposed):
        problems[index].extend(kind.own_checks(assignment, assignment.pk is None))
    # Periods are compared only for assignments that are otherwise sound.
    sound = [(index, a) for index, a in enumerate(proposed) if not problems[index]]
    replaced = {a.pk for a in proposed if a.pk is not None}
    entries: list[tuple[int | None, A]] = [
        (None, stored) for stored in kind.stored_near([a for _, a in sound]) if stored.pk not in replaced
    ]
    entries += sound
    for rule in kind.rules:
        groups: dict[Hashable, list[tuple[int | None, A]]] = defaultdict(list)
        for entry in entries:
            group = rule.group(entry[1])
            if group is not None:
                groups[group].append(entry)
        for members in groups.values():
            _report_overlaps(rule, members, problems, label)
    return {index: found for index, found in problems.items() if found}


def _report_overlaps(
    rule: ExclusiveRule[A], members: list[tuple[int | None, A]], problems: Problems, label: RowLabel
) -> None:
    if len(members) < 2:
        return
    for index, assignment in members:
        if index is None or problems[index]:
            continue
        for other_index, other in members:
            if other is assignment or not periods_overlap(assignment, other):
                continue
            where = label(other_index) if other_index is not None else "已有记录"
            problems[index].append(
                (rule.field, f"{rule.conflict(assignment, other)}（{where}：{period_text(other)}）")
            )
            break


def _raise_problems(problems: Problems) -> None:
    if not problems:
        return
    found = [problem for index in sorted(problems) for problem in problems[index]]
    field_errors: dict[str, str] = {}
    for field, message in found:
        field_errors.setdefault(field, message)
    raise ApplicationError("；".join(message for _, message in found), field_errors=field_errors)


def _lock_anchors(kind: AssignmentKind[A], assignments: Sequence[A]) -> None:
    by_model: dict[type[models.Model], set[int]] = defaultdict(set)
    for assignment in assignments:
        for model, pk in kind.anchors(assignment):
            by_model[model].add(pk)
    for model, pks in by_model.items():
        list(model._default_manager.select_for_update().filter(pk__in=sorted(pks)).values_list("pk"))


def _with_changes(assignment: A, changes: dict[str, Any]) -> A:
    """A copy of `assignment` with `changes` applied, leaving the original as it was."""
    model = type(assignment)
    fresh = model(**{f.attname: getattr(assignment, f.attname) for f in model._meta.concrete_fields})
    fresh._state.adding = False
    fresh._state.fields_cache = dict(assignment._state.fields_cache)
    for name, value in changes.items():
        setattr(fresh, name, value)
    return fresh


def _create(kind: AssignmentKind[A], actor: Actor, scope: Scope, assignment: A) -> A:
    _check_may_assign(scope, kind, assignment)
    _lock_anchors(kind, [assignment])
    _raise_problems(assignment_problems(kind, [assignment]))
    assignment.save()
    record_change(actor, assignment, action=ChangeAction.CREATE, before=None)
    return assignment


def _update(
    kind: AssignmentKind[A],
    actor: Actor,
    scope: Scope,
    assignment: A,
    *,
    expected_version: int | None,
    changes: dict[str, Any],
    ending: bool = False,
) -> A:
    unknown = set(changes) - kind.editable
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    locked = kind.model._default_manager.select_for_update().get(pk=assignment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    _check_may_assign(scope, kind, locked)
    if ending and locked.end_date is not None:
        raise ApplicationError(f"该{kind.label}已于{locked.end_date.isoformat()}结束")
    _lock_anchors(kind, [locked])
    _raise_problems(assignment_problems(kind, [_with_changes(locked, changes)]))
    return update_fields_checked(locked, actor=actor, expected_version=expected_version, changes=changes)


def _upsert(
    kind: AssignmentKind[A], actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]
) -> UpsertResult:
    proposed = proposed_from_rows(kind, rows)
    for assignment in proposed:
        _check_may_assign(scope, kind, assignment)
    _raise_problems(assignment_problems(kind, proposed))
    return bulk_upsert(
        kind.model, key_fields=kind.key_fields, rows=rows, actor=actor, keep_when_blank=kind.optional
    )


def _blank(value: Any) -> bool:
    return value is None or value == ""


def proposed_from_rows(kind: AssignmentKind[A], rows: Sequence[dict[str, Any]]) -> list[A]:
    """What each ledger row would make of the records: the stored one with the row's values
    applied where its key exists (an empty optional cell keeps the stored value), else a new one."""
    keys = [composite_key_of(kind.model, kind.key_fields, row) for row in rows]
    stored = fetch_by_composite_key(kind.model, kind.key_fields, keys)
    proposed = []
    for key, row in zip(keys, rows, strict=True):
        given = {name: value for name, value in row.items() if not (name in kind.optional and _blank(value))}
        existing = stored.get(key)
        proposed.append(_with_changes(existing, given) if existing else kind.model(**given))
    return proposed


# -- pairings: 结对帮扶 ----------------------------------------------------------------------------
@transaction.atomic
def pairing_create(
    *,
    actor: Actor,
    scope: Scope,
    cadre: Cadre,
    household: Household,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> Pairing:
    pairing = Pairing(cadre=cadre, household=household, start_date=start_date, end_date=end_date)
    return _create(PAIRINGS, actor, scope, pairing)


@transaction.atomic
def pairing_update(
    *, actor: Actor, scope: Scope, pairing: Pairing, expected_version: int | None, **changes: Any
) -> Pairing:
    return _update(PAIRINGS, actor, scope, pairing, expected_version=expected_version, changes=changes)


@transaction.atomic
def pairing_end(
    *, actor: Actor, scope: Scope, pairing: Pairing, end_date: dt.date, expected_version: int | None
) -> Pairing:
    return _update(
        PAIRINGS,
        actor,
        scope,
        pairing,
        expected_version=expected_version,
        changes={"end_date": end_date},
        ending=True,
    )


@transaction.atomic
def pairings_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """The pairings ledger's write. Rows carry cadre, household (records), start_date, end_date."""
    return _upsert(PAIRINGS, actor, scope, rows)


# -- work teams: 驻村工作队 ------------------------------------------------------------------------
@transaction.atomic
def work_team_member_create(
    *,
    actor: Actor,
    scope: Scope,
    village: Area,
    cadre: Cadre,
    role: str,
    sending_unit: Unit,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> WorkTeamMember:
    member = WorkTeamMember(
        village=village,
        cadre=cadre,
        role=role,
        sending_unit=sending_unit,
        start_date=start_date,
        end_date=end_date,
    )
    return _create(WORK_TEAMS, actor, scope, member)


@transaction.atomic
def work_team_member_update(
    *, actor: Actor, scope: Scope, member: WorkTeamMember, expected_version: int | None, **changes: Any
) -> WorkTeamMember:
    return _update(WORK_TEAMS, actor, scope, member, expected_version=expected_version, changes=changes)


@transaction.atomic
def work_team_member_end(
    *, actor: Actor, scope: Scope, member: WorkTeamMember, end_date: dt.date, expected_version: int | None
) -> WorkTeamMember:
    return _update(
        WORK_TEAMS,
        actor,
        scope,
        member,
        expected_version=expected_version,
        changes={"end_date": end_date},
        ending=True,
    )


@transaction.atomic
def work_team_members_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """The work-teams ledger's write. Rows carry village, cadre, role, sending_unit, start/end dates."""
    return _upsert(WORK_TEAMS, actor, scope, rows)


# -- units' villages: 单位包村 ---------------------------------------------------------------------
@transaction.atomic
def unit_village_create(
    *,
    actor: Actor,
    scope: Scope,
    unit: Unit,
    village: Area,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> UnitVillage:
    assignment = UnitVillage(unit=unit, village=village, start_date=start_date, end_date=end_date)
    return _create(UNIT_VILLAGES, actor, scope, assignment)


@transaction.atomic
def unit_village_update(
    *, actor: Actor, scope: Scope, assignment: UnitVillage, expected_version: int | None, **changes: Any
) -> UnitVillage:
    return _update(
        UNIT_VILLAGES, actor, scope, assignment, expected_version=expected_version, changes=changes
    )


@transaction.atomic
def unit_village_end(
    *, actor: Actor, scope: Scope, assignment: UnitVillage, end_date: dt.date, expected_version: int | None
) -> UnitVillage:
    return _update(
        UNIT_VILLAGES,
        actor,
        scope,
        assignment,
        expected_version=expected_version,
        changes={"end_date": end_date},
        ending=True,
    )


@transaction.atomic
def unit_villages_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """The unit-villages ledger's write. Rows carry unit, village, start_date, end_date."""
    return _upsert(UNIT_VILLAGES, actor, scope, rows)


# -- leaders' towns: 领导包镇 ----------------------------------------------------------------------
@transaction.atomic
def leader_town_create(
    *,
    actor: Actor,
    scope: Scope,
    cadre: Cadre,
    town: Area,
    start_date: dt.date,
    end_date: dt.date | None = None,
    lead_unit: Unit | None = None,
) -> LeaderTown:
    assignment = LeaderTown(
        cadre=cadre, town=town, lead_unit=lead_unit, start_date=start_date, end_date=end_date
    )
    return _create(LEADER_TOWNS, actor, scope, assignment)


@transaction.atomic
def leader_town_update(
    *, actor: Actor, scope: Scope, assignment: LeaderTown, expected_version: int | None, **changes: Any
) -> LeaderTown:
    return _update(LEADER_TOWNS, actor, scope, assignment, expected_version=expected_version, changes=changes)


@transaction.atomic
def leader_town_end(
    *, actor: Actor, scope: Scope, assignment: LeaderTown, end_date: dt.date, expected_version: int | None
) -> LeaderTown:
    return _update(
        LEADER_TOWNS,
        actor,
        scope,
        assignment,
        expected_version=expected_version,
        changes={"end_date": end_date},
        ending=True,
    )


@transaction.atomic
def leader_towns_upsert(*, actor: Actor, scope: Scope, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """The leader-towns ledger's write. Rows carry cadre, town, lead_unit, start_date, end_date."""
    return _upsert(LEADER_TOWNS, actor, scope, rows)
