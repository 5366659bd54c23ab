"""The steps of each procedure (办理程序), in order, and who may record each step, as data.

Sources (reference/domain-china.md): identification §1.2, exit §1.4 (厅字〔2016〕16号), monitoring
identification and risk clearance §1.5. A step is recorded at one of three levels; the level says
which roles may record it. The services also require that the household lies in the user's view
(household_q), which is what makes a town official "of that town" and a work-team member "of that
village".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.registry.models import ProcedureKind, StepKind


class Level(enum.StrEnum):
    VILLAGE = "village"
    TOWN = "town"
    COUNTY = "county"


# Who records a step at each level. County managers may record everything: they often enter the
# paper records of the villages and towns after the fact.
_COUNTY_MANAGERS = frozenset({SUPERUSER, Role.COUNTY_ADMIN, Role.OFFICE_STAFF})
RECORDERS: dict[Level, frozenset[str]] = {
    Level.VILLAGE: _COUNTY_MANAGERS | {Role.TOWN_OFFICIAL, Role.WORK_TEAM},
    Level.TOWN: _COUNTY_MANAGERS | {Role.TOWN_OFFICIAL},
    Level.COUNTY: _COUNTY_MANAGERS,
}

# The minimum publicity (公示) of a procedure where the rules fix one, in days counting both ends.
MIN_PUBLICITY_DAYS = 5
# Monitoring identification finishes within this many days of the first risk lead.
MONITORING_DEADLINE_DAYS = 15


@dataclass(frozen=True)
class StepDefinition:
    kind: StepKind
    level: Level
    # Publicity steps carry an end date; where the rules fix a minimum it is checked.
    is_publicity: bool = False
    min_days: int = 1

    @property
    def label(self) -> str:
        return str(self.kind.label)


def _village(kind: StepKind) -> StepDefinition:
    return StepDefinition(kind, Level.VILLAGE)


def _publicity(min_days: int = 1) -> StepDefinition:
    return StepDefinition(StepKind.PUBLICITY, Level.VILLAGE, is_publicity=True, min_days=min_days)


_TOWN_REVIEW = StepDefinition(StepKind.TOWN_REVIEW, Level.TOWN)
_COUNTY_APPROVAL = StepDefinition(StepKind.COUNTY_APPROVAL, Level.COUNTY)

STEPS: dict[str, tuple[StepDefinition, ...]] = {
    # 农户申请 → 村民主评议 → 村内公示 → 乡镇审核 → 县级审批 (§1.2).
    ProcedureKind.IDENTIFICATION: (
        _village(StepKind.APPLICATION),
        _village(StepKind.VILLAGE_REVIEW),
        _publicity(),
        _TOWN_REVIEW,
        _COUNTY_APPROVAL,
    ),
    # 村民主评议 → 村两委和驻村工作队核实 → 户认可 → 村内公示 (≥ 5 天) → 乡镇审核 → 县级审批 (§1.4).
    ProcedureKind.EXIT: (
        _village(StepKind.VILLAGE_REVIEW),
        _village(StepKind.TEAM_VERIFICATION),
        _village(StepKind.HOUSEHOLD_CONSENT),
        _publicity(MIN_PUBLICITY_DAYS),
        _TOWN_REVIEW,
        _COUNTY_APPROVAL,
    ),
    # 农户申请 + 承诺授权 → 入户核实 → 村民主评议 → 村内公示 (≥ 5 天) → 乡镇审核 → 县级审批 (§1.5).
    ProcedureKind.MONITORING: (
        _village(StepKind.APPLICATION),
        _village(StepKind.AUTHORISATION),
        _village(StepKind.HOME_CHECK),
        _village(StepKind.VILLAGE_REVIEW),
        _publicity(MIN_PUBLICITY_DAYS),
        _TOWN_REVIEW,
        _COUNTY_APPROVAL,
    ),
    # 入户核实 → 村民主评议 → 村内公示 → 县级审批 (§1.5, mirrors identification).
    ProcedureKind.RISK_CLEARANCE: (
        _village(StepKind.HOME_CHECK),
        _village(StepKind.VILLAGE_REVIEW),
        _publicity(),
        _COUNTY_APPROVAL,
    ),
}


def steps_of(kind: str) -> tuple[StepDefinition, ...]:
    return STEPS[kind]


def next_step(kind: str, done: list[str]) -> StepDefinition | None:
    """The step that follows the recorded ones (`done`, in order), or None when all are done."""
    steps = steps_of(kind)
    return steps[len(done)] if len(done) < len(steps) else None


def step_definition(kind: str, step_kind: str) -> StepDefinition | None:
    return next((s for s in steps_of(kind) if s.kind == step_kind), None)


def may_record(scope: Scope, level: Level) -> bool:
    """Whether the scope's role records steps of `level` (the household's place is checked apart)."""
    return scope.role in RECORDERS[level]
