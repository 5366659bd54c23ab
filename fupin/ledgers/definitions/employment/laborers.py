"""The laborers (劳动力) and job-postings (招聘岗位) ledgers (ledgers.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.models import choice_label
from fupin.core.scope import Scope
from fupin.employment.models import EmploymentStatus, Reach, Region, WorkType
from fupin.employment.selectors.laborers import laborer_list, posting_list
from fupin.employment.services.common import may_write
from fupin.employment.services.laborers import CAPABLE, laborers_upsert
from fupin.employment.services.postings import posting_problems, postings_upsert
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.employment.common import (
    REACHES,
    REGIONS,
    STATUSES,
    WORK_TYPES,
    areas_by_code,
    day,
    laborers_by_id,
    number,
    put_problems,
    yes_no,
)
from fupin.registry.models import Member, PovertyStatus

OUT_OF_AREA = "不在您的管辖范围内"


class LaborersLedger(Ledger):
    name = "laborers"
    title = "劳动力"
    key = ("id_number",)
    depends_on = ("members",)
    columns = (
        Column(
            "id_number", "身份证号", "id_number", v.id_number, required=True, help="须是有劳动能力的家庭成员"
        ),
        Column("name", "姓名", "name", v.text, help="填写时须与家庭成员一致"),
        Column("phone", "联系电话", "phone", v.phone_number),
        Column("skills", "技能", "skills", v.multi_choice(WORK_TYPES), help="可填多个，用、分隔"),
        Column("status", "就业状态", "status", v.choice(STATUSES), options=tuple(STATUSES)),
        Column("wish_reach", "意愿地点", "wish_reach", v.choice(REACHES), options=tuple(REACHES)),
        Column(
            "wish_work_type", "意愿工种", "wish_work_type", v.choice(WORK_TYPES), options=tuple(WORK_TYPES)
        ),
        Column("available_from", "可到岗日期", "available_from", v.date),
        Column("note", "备注", "note", v.text),
    )
    example = {
        "身份证号": "610727198001010015",
        "姓名": "王大明",
        "联系电话": "13912345678",
        "技能": "建筑、电工",
        "就业状态": "未就业",
        "意愿地点": "本县",
        "意愿工种": "建筑",
        "可到岗日期": "2019-12-01",
        "备注": "",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        numbers = [r.values["id_number"] for r in rows]
        stored = laborers_by_id(numbers)
        members = fetch_by_key(
            Member.objects.filter(labour__in=CAPABLE)
            .exclude(household__poverty_status=PovertyStatus.CANCELLED)
            .select_related("household"),
            "id_number",
            sorted(set(numbers) - set(stored)),
        )
        for row in rows:
            number_ = row.values["id_number"]
            laborer = stored.get(number_)
            member = laborer.member if laborer else members.get(number_)
            if member is None:
                errors.add(row.number, "id_number", number_, "不是有劳动能力的家庭成员（请先导入家庭成员）")
                continue
            if row.values["name"] and row.values["name"] != member.name:
                errors.add(row.number, "name", row.values["name"], f"与家庭成员姓名“{member.name}”不一致")
                continue
            area_code = laborer.area_code if laborer else member.household.area_code
            if not may_write(context.scope, area_code):
                errors.add(row.number, "id_number", number_, OUT_OF_AREA)
                continue
            row.refs = {"member": member, "area_code": area_code, "stored": laborer}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        prepared = []
        for row in rows:
            values = {
                name: row.values[name]
                for name in ("id_number", "phone", "skills", "status", "wish_reach", "wish_work_type")
            } | {"available_from": row.values["available_from"], "note": row.values["note"]}
            values["area_code"] = row.refs["area_code"]
            if row.refs["stored"] is None:
                values |= {"member": row.refs["member"], "name": row.refs["member"].name}
            prepared.append(values)
        return laborers_upsert(actor=context.actor, scope=context.scope, rows=prepared)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for laborer in laborer_list(scope).iterator(chunk_size=2000):
            yield {
                "id_number": laborer.id_number,
                "name": laborer.name,
                "phone": laborer.phone,
                "skills": "、".join(laborer.skill_labels),
                "status": choice_label(EmploymentStatus, laborer.status),
                "wish_reach": choice_label(Reach, laborer.wish_reach),
                "wish_work_type": choice_label(WorkType, laborer.wish_work_type),
                "available_from": day(laborer.available_from),
                "note": laborer.note,
            }


POSTING_COLUMNS = {"area": "area_code"}


class JobPostingsLedger(Ledger):
    name = "job-postings"
    title = "招聘岗位"
    key = ("code",)
    depends_on = ("areas",)
    columns = (
        Column("code", "岗位编号", "code", v.text, required=True),
        Column("employer", "用工单位", "employer", v.text, required=True),
        Column("title", "岗位名称", "title", v.text, required=True),
        Column(
            "work_type", "工种", "work_type", v.choice(WORK_TYPES), required=True, options=tuple(WORK_TYPES)
        ),
        Column("skill_required", "须具备该技能", "skill_required", v.boolean, options=("是", "否")),
        Column("region", "工作地域", "region", v.choice(REGIONS), required=True, options=tuple(REGIONS)),
        Column(
            "area_code",
            "区划代码",
            "area_code",
            v.code(12),
            required=True,
            help="县内岗位填所在村、镇或县；县外岗位填本县",
        ),
        Column("place", "工作地点", "place", v.text),
        Column("monthly_wage", "月工资", "monthly_wage", v.decimal(0, 9_999_999), required=True, help="元"),
        Column("positions", "招聘人数", "positions", v.integer(1, 100_000), required=True),
        Column("start_date", "开始日期", "start_date", v.date, required=True),
        Column("end_date", "截止日期", "end_date", v.date),
        Column("min_age", "最低年龄", "min_age", v.integer(16, 70)),
        Column("max_age", "最高年龄", "max_age", v.integer(16, 70)),
        Column("requirements", "其他要求", "requirements", v.text),
    )
    example = {
        "岗位编号": "ZP2019110001",
        "用工单位": "略阳县某建筑公司",
        "岗位名称": "钢筋工",
        "工种": "建筑",
        "须具备该技能": "否",
        "工作地域": "县内",
        "区划代码": "610727100000",
        "工作地点": "兴州街道安置点工地",
        "月工资": "3500",
        "招聘人数": "10",
        "开始日期": "2019-11-01",
        "截止日期": "2019-12-31",
        "最低年龄": "18",
        "最高年龄": "55",
        "其他要求": "",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        areas = areas_by_code(r.values["area_code"] for r in rows)
        for row in rows:
            area = areas.get(row.values["area_code"])
            if area is None:
                errors.add(row.number, "area_code", row.values["area_code"], "区划代码不存在")
                continue
            fields = self._fields(row, area)
            problems = posting_problems(fields)
            if problems:
                put_problems(errors, row, problems, POSTING_COLUMNS)
                continue
            if not may_write(context.scope, area.code):
                errors.add(row.number, "area_code", area.code, OUT_OF_AREA)
                continue
            row.refs = fields

    def _fields(self, row: ParsedRow, area: Any) -> dict[str, Any]:
        values = dict(row.values)
        del values["area_code"]
        return values | {
            "area": area,
            "skill_required": bool(values["skill_required"]),
            "place": values["place"] or "",
            "requirements": values["requirements"] or "",
        }

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return postings_upsert(actor=context.actor, scope=context.scope, rows=[r.refs for r in rows])

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for posting in posting_list(scope).order_by("code").iterator(chunk_size=2000):
            yield {
                "code": posting.code,
                "employer": posting.employer,
                "title": posting.title,
                "work_type": choice_label(WorkType, posting.work_type),
                "skill_required": yes_no(posting.skill_required),
                "region": choice_label(Region, posting.region),
                "area_code": posting.area_code,
                "place": posting.place,
                "monthly_wage": number(posting.monthly_wage),
                "positions": str(posting.positions),
                "start_date": day(posting.start_date),
                "end_date": day(posting.end_date),
                "min_age": number(posting.min_age),
                "max_age": number(posting.max_age),
                "requirements": posting.requirements,
            }
