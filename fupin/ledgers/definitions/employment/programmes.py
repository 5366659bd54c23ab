"""The skills-trainings and welfare-jobs ledgers (ledgers.md). A trainings row is one trainee of
one session: the session's own cells must agree on every row that names it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.models import choice_label
from fupin.core.scope import Scope
from fupin.employment.models import Funding, PostType, SkillTraining, WorkType
from fupin.employment.selectors.programmes import (
    trainee_list,
    welfare_post_list,
)
from fupin.employment.services.common import may_write
from fupin.employment.services.programmes import (
    holders_elsewhere,
    trainees_upsert,
    training_problems,
    trainings_upsert,
    welfare_post_problems,
    welfare_posts_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.employment.common import (
    FUNDINGS,
    POST_TYPES,
    WORK_TYPES,
    agree,
    areas_by_code,
    day,
    laborers_by_id,
    number,
    put_problems,
    yes_no,
)
from fupin.ledgers.definitions.employment.laborers import OUT_OF_AREA

NO_LABORER = "不是已登记的劳动力（请先导入劳动力台账或同步家庭成员）"


class SkillTrainingsLedger(Ledger):
    name = "skills-trainings"
    title = "技能培训"
    key = ("code", "id_number")
    depends_on = ("areas", "laborers")
    session = ("title", "work_type", "organizer", "area_code", "start_date", "end_date", "hours")
    columns = (
        Column("code", "培训编号", "code", v.text, required=True, help="一期培训一个编号，每名学员一行"),
        Column("title", "培训名称", "title", v.text, required=True),
        Column(
            "work_type",
            "培训工种",
            "work_type",
            v.choice(WORK_TYPES),
            required=True,
            options=tuple(WORK_TYPES),
        ),
        Column("organizer", "承办单位", "organizer", v.text),
        Column("area_code", "区划代码", "area_code", v.code(12), required=True, help="举办培训的县、镇或村"),
        Column("start_date", "开始日期", "start_date", v.date, required=True),
        Column("end_date", "结束日期", "end_date", v.date, required=True),
        Column("hours", "学时", "hours", v.integer(1, 2000)),
        Column(
            "id_number", "身份证号", "id_number", v.id_number, required=True, help="学员，须是已登记的劳动力"
        ),
        Column(
            "certified",
            "取得证书",
            "certified",
            v.boolean,
            options=("是", "否"),
            help="取得证书的学员记为掌握该技能",
        ),
    )
    example = {
        "培训编号": "PX2019090001",
        "培训名称": "“三秦巧娘”缝纫工培训",
        "培训工种": "缝纫",
        "承办单位": "县人社局",
        "区划代码": "610727100000",
        "开始日期": "2019-09-01",
        "结束日期": "2019-09-10",
        "学时": "60",
        "身份证号": "610727198001010015",
        "取得证书": "是",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        agree(errors.all_rows or rows, "code", self.session, errors, "培训编号")
        areas = areas_by_code(r.values["area_code"] for r in rows)
        laborers = laborers_by_id(r.values["id_number"] for r in rows)
        for row in rows:
            if row.number in errors.bad_rows:
                continue
            area, laborer = areas.get(row.values["area_code"]), laborers.get(row.values["id_number"])
            if area is None:
                errors.add(row.number, "area_code", row.values["area_code"], "区划代码不存在")
            if laborer is None:
                errors.add(row.number, "id_number", row.values["id_number"], NO_LABORER)
            if area is None or laborer is None:
                continue
            if problems := training_problems(row.values):
                put_problems(errors, row, problems, {})
            elif not may_write(context.scope, area.code):
                errors.add(row.number, "area_code", area.code, OUT_OF_AREA)
            elif not may_write(context.scope, laborer.area_code):
                errors.add(row.number, "id_number", row.values["id_number"], OUT_OF_AREA)
            else:
                row.refs = {"area": area, "laborer": laborer}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        sessions: dict[str, dict[str, Any]] = {}
        for row in rows:
            values = row.values
            sessions.setdefault(
                values["code"],
                {
                    "code": values["code"],
                    "title": values["title"],
                    "work_type": values["work_type"],
                    "organizer": values["organizer"] or "",
                    "area": row.refs["area"],
                    "start_date": values["start_date"],
                    "end_date": values["end_date"],
                    "hours": values["hours"],
                },
            )
        result = trainings_upsert(actor=context.actor, scope=context.scope, rows=list(sessions.values()))
        trainings = fetch_by_key(SkillTraining, "code", sorted(sessions))
        trainees = [
            {
                "training": trainings[r.values["code"]],
                "laborer": r.refs["laborer"],
                "certified": bool(r.values["certified"]),
            }
            for r in rows
        ]
        result.add(trainees_upsert(actor=context.actor, scope=context.scope, rows=trainees))
        return result

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for trainee in trainee_list(scope).iterator(chunk_size=2000):
            training = trainee.training
            yield {
                "code": training.code,
                "title": training.title,
                "work_type": choice_label(WorkType, training.work_type),
                "organizer": training.organizer,
                "area_code": training.area_code,
                "start_date": day(training.start_date),
                "end_date": day(training.end_date),
                "hours": number(training.hours),
                "id_number": trainee.laborer.id_number,
                "certified": yes_no(trainee.certified),
            }


class WelfareJobsLedger(Ledger):
    name = "welfare-jobs"
    title = "公益岗位"
    key = ("code",)
    depends_on = ("areas", "laborers")
    columns = (
        Column("code", "岗位编号", "code", v.text, required=True),
        Column("area_code", "区划代码", "area_code", v.code(12), required=True, help="岗位所在的村"),
        Column(
            "post_type",
            "岗位类型",
            "post_type",
            v.choice(POST_TYPES),
            required=True,
            options=tuple(POST_TYPES),
        ),
        Column(
            "holder_id_number",
            "在岗人员身份证号",
            "holder_id_number",
            v.id_number,
            help="本村建档立卡贫困户的劳动力；空 = 岗位空缺",
        ),
        Column("monthly_wage", "月工资", "monthly_wage", v.decimal(0, 99_999), required=True, help="元"),
        Column("funding", "资金来源", "funding", v.choice(FUNDINGS), required=True, options=tuple(FUNDINGS)),
        Column("start_date", "开始日期", "start_date", v.date, required=True),
        Column("end_date", "结束日期", "end_date", v.date, help="空 = 仍在岗"),
    )
    example = {
        "岗位编号": "GY0001",
        "区划代码": "610727100200",
        "岗位类型": "保洁",
        "在岗人员身份证号": "610727198001010015",
        "月工资": "500",
        "资金来源": "光伏收益",
        "开始日期": "2019-01-01",
        "结束日期": "",
    }
    column_of = {"village": "area_code", "holder": "holder_id_number"}

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        areas = areas_by_code(r.values["area_code"] for r in rows)
        laborers = laborers_by_id(r.values["holder_id_number"] for r in rows)
        resolved = []
        for row in rows:
            area = areas.get(row.values["area_code"])
            holder_number = row.values["holder_id_number"]
            holder = laborers.get(holder_number) if holder_number else None
            if area is None:
                errors.add(row.number, "area_code", row.values["area_code"], "区划代码不存在")
            if holder_number and holder is None:
                errors.add(row.number, "holder_id_number", holder_number, NO_LABORER)
            if area is None or (holder_number and holder is None):
                continue
            row.refs = dict(row.values) | {"village": area, "holder": holder}
            resolved.append(row)
        clashes = holders_elsewhere([r.refs for r in resolved])
        for row in resolved:
            holder = row.refs["holder"]
            clash = holder is not None and (row.values["code"], holder.pk) in clashes
            if problems := welfare_post_problems(row.refs, held_elsewhere=clash):
                put_problems(errors, row, problems, self.column_of)
            elif not may_write(context.scope, row.refs["village"].code):
                errors.add(row.number, "area_code", row.values["area_code"], OUT_OF_AREA)

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        fields = (
            "code",
            "village",
            "post_type",
            "holder",
            "monthly_wage",
            "funding",
            "start_date",
            "end_date",
        )
        prepared = [{name: r.refs[name] for name in fields} for r in rows]
        return welfare_posts_upsert(actor=context.actor, scope=context.scope, rows=prepared)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for post in welfare_post_list(scope).order_by("code").iterator(chunk_size=2000):
            yield {
                "code": post.code,
                "area_code": post.area_code,
                "post_type": choice_label(PostType, post.post_type),
                "holder_id_number": post.holder.id_number if post.holder else "",
                "monthly_wage": number(post.monthly_wage),
                "funding": choice_label(Funding, post.funding),
                "start_date": day(post.start_date),
                "end_date": day(post.end_date),
            }
