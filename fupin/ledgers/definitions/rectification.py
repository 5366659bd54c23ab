"""The problems ledger (ledgers.md, problems 问题台账): a county's list of inspected problems kept in
Excel, imported with the same rules as every other door, and exported back unchanged.

Each row names its area (county, town or village) and, optionally, a household in that area; its
responsible unit, leader and person by code, each existing and not of another county; a category of
the area's county (a name the county lacks is added to its list). The status must be justified by
the row's own columns: measures and a deadline from 整改中 on, a completed date for 已整改 and
已销号 (and only for them), a closed date for 已销号 (and only for it), the dates in order and none
of the past ones after today. The importing user must be allowed to file in the row's area and, for
a code already used, in the area of the stored problem. The rows are written by the
rectification services, which keep the workflow's history of every status change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.people.models import Cadre, Unit
from fupin.rectification.models import Problem, ProblemCategory, ProblemStatus
from fupin.rectification.services.ledger import (
    CHANNEL_LABELS,
    COMPLETED,
    LEDGER_COLUMNS,
    ORIGIN_LABELS,
    SNAPSHOT_RELATIONS,
    STARTED,
    STATUS_LABELS,
    categories_for,
    ledger_cells,
    problems_upsert,
)
from fupin.registry.models import Household

CODE_MAX = Problem._meta.get_field("code").max_length or 40
CATEGORY_MAX = ProblemCategory._meta.get_field("name").max_length or 50
LEVELS = (areacode.COUNTY, areacode.TOWN, areacode.VILLAGE)
HEADERS = dict(LEDGER_COLUMNS)
OUT_OF_SCOPE = "不在您的管辖范围内"


def _column(key: str, parse: v.Parser, *, required: bool = False, **extra: Any) -> Column:
    return Column(key, HEADERS[key], key, parse, required=required, **extra)


def _in_county(area: Area | None, county_code: str) -> bool:
    """Whether a unit's area (None: a unit of no particular area) allows it to answer in the county."""
    return area is None or areacode.county_code_of(area.code) == county_code


class ProblemsLedger(Ledger):
    name = "problems"
    title = "问题台账"
    key = ("code",)
    depends_on = ("areas", "units", "cadres", "households")
    columns = (
        _column("code", v.text, required=True, help=f"每个问题的编号，不超过{CODE_MAX}个字符"),
        _column("channel", v.choice(CHANNEL_LABELS), required=True, options=tuple(CHANNEL_LABELS)),
        _column("origin", v.choice(ORIGIN_LABELS), required=True, options=tuple(ORIGIN_LABELS)),
        _column("category", v.text, required=True, help="本县的问题类别；文件中的新类别将自动添加"),
        _column("description", v.text, required=True),
        _column("area_code", v.code(12), required=True, help="县、乡镇或村的12位代码"),
        _column("household_code", v.text, help="须是该区划内的户"),
        _column("found_date", v.date, required=True),
        _column("responsible_unit_code", v.text, required=True),
        _column("responsible_leader_code", v.text),
        _column("responsible_person_code", v.text),
        _column("measures", v.text, help="整改中、已整改、已销号须填写"),
        _column("deadline", v.date, help="整改中、已整改、已销号须填写；不早于发现日期"),
        _column("status", v.choice(STATUS_LABELS), required=True, options=tuple(STATUS_LABELS)),
        _column("completed_date", v.date, help="已整改、已销号须填写"),
        _column("closed_date", v.date, help="已销号须填写；不早于完成日期"),
    )
    example = {
        "问题编号": "WT2019110001",
        "检视渠道": "座谈会",
        "问题来源": "群众提",
        "问题类别": "住房安全",
        "问题描述": "3户危房改造补助资金未及时拨付到户",
        "区划代码": "610727100200",
        "户编号": "",
        "发现日期": "2019-11-05",
        "责任单位编码": "U001",
        "责任领导干部编号": "G0001",
        "责任人干部编号": "G0002",
        "整改措施": "核实名单，12月底前拨付到户",
        "整改时限": "2019-12-31",
        "整改状态": "整改中",
        "完成日期": "",
        "销号日期": "",
    }

    # -- one row -------------------------------------------------------------------------------
    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        if len(values["code"]) > CODE_MAX:
            errors.add(row.number, "code", values["code"], f"问题编号不能超过{CODE_MAX}个字符")
        if len(values["category"]) > CATEGORY_MAX:
            errors.add(row.number, "category", values["category"], f"问题类别不能超过{CATEGORY_MAX}个字符")
        code = values["area_code"]
        if areacode.level_of(code) not in LEVELS:
            errors.add(row.number, "area_code", code, "应为县、乡镇或村的区划代码")
        elif not context.scope.covers_code(code):
            errors.add(row.number, "area_code", code, OUT_OF_SCOPE)
        self._check_status(row, errors)
        self._check_dates(row, errors)

    def _check_status(self, row: ParsedRow, errors: RowErrors) -> None:
        values, status = row.values, row.values["status"]
        label = next(k for k, value in STATUS_LABELS.items() if value == status)
        if status in STARTED:
            if not values["measures"]:
                errors.add(row.number, "measures", "", f"“{label}”的问题须填写整改措施")
            if values["deadline"] is None:
                errors.add(row.number, "deadline", "", f"“{label}”的问题须填写整改时限")
        if status in COMPLETED and values["completed_date"] is None:
            errors.add(row.number, "completed_date", "", f"“{label}”的问题须填写完成日期")
        if status not in COMPLETED and values["completed_date"] is not None:
            errors.add(
                row.number, "completed_date", values["completed_date"], f"“{label}”的问题不应有完成日期"
            )
        if status == ProblemStatus.CLOSED and values["closed_date"] is None:
            errors.add(row.number, "closed_date", "", "“已销号”的问题须填写销号日期")
        if status != ProblemStatus.CLOSED and values["closed_date"] is not None:
            errors.add(row.number, "closed_date", values["closed_date"], f"“{label}”的问题不应有销号日期")

    def _check_dates(self, row: ParsedRow, errors: RowErrors) -> None:
        values, today = row.values, timezone.localdate()
        found, deadline = values["found_date"], values["deadline"]
        completed, closed = values["completed_date"], values["closed_date"]
        for key, day in (("found_date", found), ("completed_date", completed), ("closed_date", closed)):
            if day is not None and day > today:
                errors.add(row.number, key, day, f"{HEADERS[key]}不能晚于今天")
        if found is not None and deadline is not None and deadline < found:
            errors.add(row.number, "deadline", deadline, "整改时限不能早于发现日期")
        if found is not None and completed is not None and completed < found:
            errors.add(row.number, "completed_date", completed, "完成日期不能早于发现日期")
        if completed is not None and closed is not None and closed < completed:
            errors.add(row.number, "closed_date", closed, "销号日期不能早于完成日期")

    # -- references ----------------------------------------------------------------------------
    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        def wanted(key: str) -> list[str]:
            return sorted({r.values[key] for r in rows if r.values[key]})

        area_codes = wanted("area_code")
        counties = {areacode.county_code_of(c) for c in area_codes}
        areas = fetch_by_key(Area, "code", sorted(set(area_codes) | counties))
        households = fetch_by_key(Household, "code", wanted("household_code"))
        units = fetch_by_key(Unit.objects.select_related("area"), "code", wanted("responsible_unit_code"))
        cadre_codes = sorted(set(wanted("responsible_leader_code")) | set(wanted("responsible_person_code")))
        cadres = fetch_by_key(Cadre.objects.select_related("unit__area"), "code", cadre_codes)
        stored = fetch_by_key(Problem.objects.only("code", "area_code"), "code", wanted("code"))
        for row in rows:
            self._resolve_row(row, errors, context, areas, households, units, cadres, stored)
        categories = self._categories({areacode.county_code_of(c) for c in area_codes})
        for row in rows:
            if row.refs:
                county = row.refs["county"]
                row.refs["category"] = categories.get((county.code, row.values["category"]))

    def _categories(self, county_codes: set[str]) -> dict[tuple[str, str], ProblemCategory]:
        found = ProblemCategory.objects.filter(county__code__in=sorted(county_codes)).select_related("county")
        return {(c.county.code, c.name): c for c in found}

    def _resolve_row(
        self,
        row: ParsedRow,
        errors: RowErrors,
        context: ImportContext,
        areas: dict[str, Area],
        households: dict[str, Household],
        units: dict[str, Unit],
        cadres: dict[str, Cadre],
        stored: dict[str, Problem],
    ) -> None:
        values, failed = row.values, len(errors.report.errors)

        def refuse(key: str, message: str) -> None:
            errors.add(row.number, key, values[key] or "", message)

        area = areas.get(values["area_code"])
        county = areas.get(areacode.county_code_of(values["area_code"]))
        if area is None or county is None:
            refuse("area_code", "区划代码不存在")
            return
        household = households.get(values["household_code"] or "")
        if values["household_code"]:
            if household is None:
                refuse("household_code", "户编号不存在")
            elif not areacode.is_inside(household.area_code, area.code):
                refuse("household_code", f"该户不在{area.name}")
        unit = units.get(values["responsible_unit_code"])
        if unit is None:
            refuse("responsible_unit_code", "责任单位编码不存在")
        elif not _in_county(unit.area, county.code):
            refuse("responsible_unit_code", f"该单位不属于{county.name}")
        people: dict[str, Cadre | None] = {}
        for key in ("responsible_leader_code", "responsible_person_code"):
            people[key] = cadres.get(values[key] or "")
            if values[key] and people[key] is None:
                refuse(key, "干部编号不存在")
            elif (cadre := people[key]) is not None and not _in_county(cadre.unit.area, county.code):
                refuse(key, f"该干部不属于{county.name}")
        earlier = stored.get(values["code"])
        if earlier is not None and not context.scope.covers_code(earlier.area_code):
            refuse("code", "该问题编号已被您管辖范围以外的问题使用")
        if len(errors.report.errors) > failed:
            return
        row.refs = {
            "area": area,
            "county": county,
            "household": household,
            "responsible_unit": unit,
            "responsible_leader": people["responsible_leader_code"],
            "responsible_person": people["responsible_person_code"],
        }

    # -- writing and exporting -----------------------------------------------------------------
    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        missing = {(r.refs["county"], r.values["category"]) for r in rows if r.refs["category"] is None}
        if missing:
            added = categories_for(actor=context.actor, wanted=missing)
            for row in rows:
                if row.refs["category"] is None:
                    row.refs["category"] = added[(row.refs["county"].code, row.values["category"])]
        return problems_upsert(
            actor=context.actor, rows=[self._fields(r) for r in rows], today=timezone.localdate()
        )

    def _fields(self, row: ParsedRow) -> dict[str, Any]:
        values, refs = row.values, row.refs
        return {
            "code": values["code"],
            "channel": values["channel"],
            "origin": values["origin"],
            "category": refs["category"],
            "description": values["description"],
            "area": refs["area"],
            "household": refs["household"],
            "found_date": values["found_date"],
            "responsible_unit": refs["responsible_unit"],
            "responsible_leader": refs["responsible_leader"],
            "responsible_person": refs["responsible_person"],
            "measures": values["measures"] or "",
            "deadline": values["deadline"],
            "status": values["status"],
            "completed_date": values["completed_date"],
            "closed_date": values["closed_date"],
        }

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        problems: QuerySet[Problem] = Problem.objects.filter(scope.area_q("area_code"))
        for problem in (
            problems.select_related(*SNAPSHOT_RELATIONS).order_by("code").iterator(chunk_size=2000)
        ):
            yield ledger_cells(problem)
