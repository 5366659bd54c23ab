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
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.bulk import (
    UpsertResult,
)
from fupin.core.scope import Scope
from fupin.duty.models import (
    LeaderTown,
    Pairing,
    UnitVillage,
    WorkTeamMember,
)
from fupin.duty.services.assignments.checks import (
    _create,
    _update,
    _upsert,
    assignment_problems,
    may_assign,
    may_manage_assignments,
    proposed_from_rows,
)
from fupin.duty.services.assignments.kinds import (
    CONFLICT_MESSAGE,
    LEADER_TOWNS,
    PAIRINGS,
    UNIT_VILLAGES,
    WORK_TEAMS,
    AssignmentKind,
    period_text,
    periods_overlap,
)
from fupin.people.models import Cadre, Unit
from fupin.registry.models import Household


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


__all__ = [
    "CONFLICT_MESSAGE",
    "LEADER_TOWNS",
    "PAIRINGS",
    "UNIT_VILLAGES",
    "WORK_TEAMS",
    "AssignmentKind",
    "assignment_problems",
    "leader_town_create",
    "leader_town_end",
    "leader_town_update",
    "leader_towns_upsert",
    "may_assign",
    "may_manage_assignments",
    "pairing_create",
    "pairing_end",
    "pairing_update",
    "pairings_upsert",
    "period_text",
    "periods_overlap",
    "proposed_from_rows",
    "unit_village_create",
    "unit_village_end",
    "unit_village_update",
    "unit_villages_upsert",
    "work_team_member_create",
    "work_team_member_end",
    "work_team_member_update",
    "work_team_members_upsert",
]
