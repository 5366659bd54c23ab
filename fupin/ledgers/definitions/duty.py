"""The chain-of-responsibility ledgers (ledgers.md): pairings, work-teams, unit-villages, leader-towns.

Each row names its parties by code (cadre, household, unit, area); they must exist in the database
or in a ledger imported earlier in the same run. The rules of periods (no overlaps, one first
secretary per village and day, one village per cadre and day, no new pairing for a 注销 household)
are the duty services' and are checked here row by row, against the file and the stored records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from django.db import models

from fupin.areas.models import Area
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.duty.models import Assignment, LeaderTown, Pairing, TeamRole, UnitVillage, WorkTeamMember
from fupin.duty.selectors import leader_town_list, pairing_list, unit_village_list, work_team_list
from fupin.duty.services.assignments import (
    LEADER_TOWNS,
    PAIRINGS,
    UNIT_VILLAGES,
    WORK_TEAMS,
    AssignmentKind,
    assignment_problems,
    leader_towns_upsert,
    may_assign,
    pairings_upsert,
    proposed_from_rows,
    unit_villages_upsert,
    work_team_members_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.people.models import Cadre, Unit
from fupin.registry.models import Household

A = TypeVar("A", bound=Assignment)
TEAM_ROLES = {str(label): value for value, label in TeamRole.choices}
_ROLE_LABELS = {value: label for label, value in TEAM_ROLES.items()}


def _by_code(model: type[models.Model], codes: set[str]) -> dict[str, Any]:
    return fetch_by_key(model, "code", sorted(codes))


def _date_cell(value: Any) -> str:
    return value.isoformat() if value else ""


START = Column("start_date", "开始日期", "start_date", v.date, required=True)
END = Column("end_date", "结束日期", "end_date", v.date, help="空 = 仍在进行")


class _AssignmentLedger(Ledger, Generic[A]):
    """A ledger of one kind of assignment: resolve the codes, check the rules, upsert."""

    kind: ClassVar[AssignmentKind[Any]]
    # column key → (model field, model looked up by code, message when missing)
    references: ClassVar[dict[str, tuple[str, type[models.Model], str]]]
    # the column whose area the importing user must be allowed to assign in
    target_column: ClassVar[str]

    def fields_of(self, row: ParsedRow) -> dict[str, Any]:
        """The model fields of a resolved row."""
        fields = {name: row.refs.get(name) for name, _, _ in self.references.values()}
        return fields | {"start_date": row.values["start_date"], "end_date": row.values["end_date"]}

    def upsert(self, rows: list[dict[str, Any]], context: ImportContext) -> UpsertResult:
        raise NotImplementedError

    def target_code(self, row: ParsedRow) -> str:
        return self.kind.target_code(self.kind.model(**self.fields_of(row)))

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        found: dict[str, dict[str, Any]] = {}
        for column, (_, model, _) in self.references.items():
            found[column] = _by_code(model, {r.values[column] for r in rows if r.values[column]})
        resolved = []
        for row in rows:
            missing = False
            for column, (name, _, message) in self.references.items():
                code = row.values[column]
                if not code:
                    continue
                if code not in found[column]:
                    errors.add(row.number, column, code, message)
                    missing = True
                else:
                    row.refs[name] = found[column][code]
            if missing:
                continue
            if not may_assign(context.scope, self.target_code(row), county_level=self.kind.county_level):
                errors.add(
                    row.number, self.target_column, row.values[self.target_column], "不在您的管辖范围内"
                )
                continue
            resolved.append(row)
        self._check_rules(resolved, errors)

    def _check_rules(self, rows: list[ParsedRow], errors: RowErrors) -> None:
        proposed = proposed_from_rows(self.kind, [self.fields_of(r) for r in rows])
        problems = assignment_problems(self.kind, proposed, row_label=lambda i: f"第{rows[i].number}行")
        column_of = {name: column for column, (name, _, _) in self.references.items()}
        for index, found in sorted(problems.items()):
            row = rows[index]
            for field, message in found:
                column = column_of.get(field, field)
                errors.add(row.number, column, row.values.get(column) or "", message)

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return self.upsert([self.fields_of(r) for r in rows], context)


class PairingsLedger(_AssignmentLedger[Pairing]):
    name = "pairings"
    title = "结对帮扶"
    key = ("cadre_code", "household_code", "start_date")
    depends_on = ("cadres", "households")
    kind = PAIRINGS
    target_column = "household_code"
    references = {
        "cadre_code": ("cadre", Cadre, "干部编号不存在"),
        "household_code": ("household", Household, "户编号不存在"),
    }
    columns = (
        Column("cadre_code", "干部编号", "cadre_code", v.text, required=True),
        Column("household_code", "户编号", "household_code", v.text, required=True),
        START,
        END,
    )
    example = {"干部编号": "G0001", "户编号": "H0001", "开始日期": "2019-01-01", "结束日期": ""}

    def upsert(self, rows: list[dict[str, Any]], context: ImportContext) -> UpsertResult:
        return pairings_upsert(actor=context.actor, scope=context.scope, rows=rows)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for pairing in pairing_list(scope).iterator(chunk_size=2000):
            yield {
                "cadre_code": pairing.cadre.code,
                "household_code": pairing.household.code,
                "start_date": _date_cell(pairing.start_date),
                "end_date": _date_cell(pairing.end_date),
            }


class WorkTeamsLedger(_AssignmentLedger[WorkTeamMember]):
    name = "work-teams"
    title = "驻村工作队"
    key = ("village_code", "cadre_code", "start_date")
    depends_on = ("areas", "units", "cadres")
    kind = WORK_TEAMS
    target_column = "village_code"
    references = {
        "village_code": ("village", Area, "区划代码不存在"),
        "cadre_code": ("cadre", Cadre, "干部编号不存在"),
        "sending_unit_code": ("sending_unit", Unit, "派出单位编码不存在"),
    }
    columns = (
        Column("village_code", "区划代码", "village_code", v.code(12), required=True, help="村的12位代码"),
        Column("cadre_code", "干部编号", "cadre_code", v.text, required=True),
        Column("role", "队内职务", "role", v.choice(TEAM_ROLES), required=True, options=tuple(TEAM_ROLES)),
        Column("sending_unit_code", "派出单位编码", "sending_unit_code", v.text, required=True),
        START,
        END,
    )
    example = {
        "区划代码": "610727100001",
        "干部编号": "G0001",
        "队内职务": "第一书记",
        "派出单位编码": "U001",
        "开始日期": "2019-01-01",
        "结束日期": "",
    }

    def fields_of(self, row: ParsedRow) -> dict[str, Any]:
        return super().fields_of(row) | {"role": row.values["role"]}

    def upsert(self, rows: list[dict[str, Any]], context: ImportContext) -> UpsertResult:
        return work_team_members_upsert(actor=context.actor, scope=context.scope, rows=rows)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for member in work_team_list(scope).iterator(chunk_size=2000):
            yield {
                "village_code": member.village.code,
                "cadre_code": member.cadre.code,
                "role": _ROLE_LABELS[member.role],
                "sending_unit_code": member.sending_unit.code,
                "start_date": _date_cell(member.start_date),
                "end_date": _date_cell(member.end_date),
            }


class UnitVillagesLedger(_AssignmentLedger[UnitVillage]):
    name = "unit-villages"
    title = "单位包村"
    key = ("unit_code", "village_code", "start_date")
    depends_on = ("areas", "units")
    kind = UNIT_VILLAGES
    target_column = "village_code"
    references = {
        "unit_code": ("unit", Unit, "单位编码不存在"),
        "village_code": ("village", Area, "区划代码不存在"),
    }
    columns = (
        Column("unit_code", "单位编码", "unit_code", v.text, required=True),
        Column("village_code", "区划代码", "village_code", v.code(12), required=True, help="村的12位代码"),
        START,
        END,
    )
    example = {"单位编码": "U001", "区划代码": "610727100001", "开始日期": "2019-01-01", "结束日期": ""}

    def upsert(self, rows: list[dict[str, Any]], context: ImportContext) -> UpsertResult:
        return unit_villages_upsert(actor=context.actor, scope=context.scope, rows=rows)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for assignment in unit_village_list(scope).iterator(chunk_size=2000):
            yield {
                "unit_code": assignment.unit.code,
                "village_code": assignment.village.code,
                "start_date": _date_cell(assignment.start_date),
                "end_date": _date_cell(assignment.end_date),
            }


class LeaderTownsLedger(_AssignmentLedger[LeaderTown]):
    name = "leader-towns"
    title = "领导包镇"
    key = ("cadre_code", "town_code", "start_date")
    depends_on = ("areas", "units", "cadres")
    kind = LEADER_TOWNS
    target_column = "town_code"
    references = {
        "cadre_code": ("cadre", Cadre, "干部编号不存在"),
        "town_code": ("town", Area, "区划代码不存在"),
        "lead_unit_code": ("lead_unit", Unit, "牵头部门单位编码不存在"),
    }
    columns = (
        Column("cadre_code", "干部编号", "cadre_code", v.text, required=True),
        Column("town_code", "区划代码", "town_code", v.code(12), required=True, help="乡镇的12位代码"),
        Column("lead_unit_code", "牵头部门单位编码", "lead_unit_code", v.text),
        START,
        END,
    )
    example = {
        "干部编号": "G0001",
        "区划代码": "610727100000",
        "牵头部门单位编码": "U001",
        "开始日期": "2019-01-01",
        "结束日期": "",
    }

    def upsert(self, rows: list[dict[str, Any]], context: ImportContext) -> UpsertResult:
        return leader_towns_upsert(actor=context.actor, scope=context.scope, rows=rows)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for assignment in leader_town_list(scope).iterator(chunk_size=2000):
            yield {
                "cadre_code": assignment.cadre.code,
                "town_code": assignment.town.code,
                "lead_unit_code": assignment.lead_unit.code if assignment.lead_unit else "",
                "start_date": _date_cell(assignment.start_date),
                "end_date": _date_cell(assignment.end_date),
            }
