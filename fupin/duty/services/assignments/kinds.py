"""Each kind of assignment described once: key, editable fields, who assigns it, its rules."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import models
from django.db.models import Q

from fupin.areas.models import Area, AreaLevel
from fupin.core.bulk import (
    CHUNK,
)
from fupin.duty.models import (
    FIRST_SECRETARY_ROLES,
    Assignment,
    LeaderTown,
    Pairing,
    TeamRole,
    UnitVillage,
    WorkTeamMember,
)
from fupin.people.models import Cadre, CadreCategory
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
