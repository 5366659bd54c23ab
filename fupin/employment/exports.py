"""Excel exports of the employment lists, as the pages show them: ID numbers and phones masked for
every reader who may not see them in full (the ledgers page exports them whole, for managers)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from fupin.core import idnumber, phone
from fupin.core.models import choice_label
from fupin.core.scope import Scope
from fupin.employment.models import (
    CommunityFactory,
    EmploymentStatus,
    Funding,
    JobPosting,
    Laborer,
    PostType,
    Reach,
    Region,
    SkillTraining,
    TransferEmployment,
    WelfarePost,
    WorkType,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(list(header))
    for row in rows:
        sheet.append(["" if value is None else value for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}.xlsx"
    return response


def _id(scope: Scope, number: str) -> str:
    return number if scope.can_see_full_id_numbers else idnumber.mask(number)


def _phone(scope: Scope, number: str) -> str:
    return number if scope.can_see_full_id_numbers or not number else phone.mask(number)


LABORER_HEADER = (
    "区划代码",
    "户编号",
    "姓名",
    "身份证号",
    "联系电话",
    "技能",
    "就业状态",
    "意愿地点",
    "意愿工种",
    "可到岗日期",
)


def laborer_rows(scope: Scope, laborers: Iterable[Laborer]) -> Iterable[list[Any]]:
    for lab in laborers:
        yield [
            lab.area_code,
            lab.member.household.code,
            lab.name,
            _id(scope, lab.id_number),
            _phone(scope, lab.phone),
            "、".join(lab.skill_labels),
            choice_label(EmploymentStatus, lab.status),
            choice_label(Reach, lab.wish_reach),
            choice_label(WorkType, lab.wish_work_type),
            lab.available_from.isoformat() if lab.available_from else "",
        ]


POSTING_HEADER = (
    "岗位编号",
    "用工单位",
    "岗位名称",
    "工种",
    "工作地域",
    "区划代码",
    "月工资",
    "招聘人数",
    "已上岗",
    "开始日期",
    "截止日期",
)


def posting_rows(postings: Iterable[JobPosting]) -> Iterable[list[Any]]:
    for p in postings:
        yield [
            p.code,
            p.employer,
            p.title,
            choice_label(WorkType, p.work_type),
            choice_label(Region, p.region),
            p.area_code,
            float(p.monthly_wage),
            p.positions,
            getattr(p, "placed", None),
            p.start_date.isoformat(),
            p.end_date.isoformat() if p.end_date else "",
        ]


TRAINING_HEADER = (
    "培训编号",
    "培训名称",
    "培训工种",
    "承办单位",
    "区划代码",
    "开始日期",
    "结束日期",
    "学时",
    "人次",
)


def training_rows(trainings: Iterable[SkillTraining]) -> Iterable[list[Any]]:
    for t in trainings:
        yield [
            t.code,
            t.title,
            choice_label(WorkType, t.work_type),
            t.organizer,
            t.area_code,
            t.start_date.isoformat(),
            t.end_date.isoformat(),
            t.hours,
            getattr(t, "person_times", None),
        ]


POST_HEADER = (
    "岗位编号",
    "区划代码",
    "岗位类型",
    "在岗人员",
    "身份证号",
    "月工资",
    "资金来源",
    "开始日期",
    "结束日期",
)


def post_rows(scope: Scope, posts: Iterable[WelfarePost]) -> Iterable[list[Any]]:
    for p in posts:
        yield [
            p.code,
            p.area_code,
            choice_label(PostType, p.post_type),
            p.holder.name if p.holder else "",
            _id(scope, p.holder.id_number) if p.holder else "",
            float(p.monthly_wage),
            choice_label(Funding, p.funding),
            p.start_date.isoformat(),
            p.end_date.isoformat() if p.end_date else "",
        ]


FACTORY_HEADER = ("工厂编号", "工厂名称", "区划代码", "主营产品", "投产日期", "在厂人数", "其中贫困劳动力")


def factory_rows(factories: Iterable[CommunityFactory]) -> Iterable[list[Any]]:
    for f in factories:
        yield [
            f.code,
            f.name,
            f.area_code,
            f.industry,
            f.opened.isoformat() if f.opened else "",
            getattr(f, "current_workers", None),
            getattr(f, "poor_workers", None),
        ]


TRANSFER_HEADER = (
    "区划代码",
    "姓名",
    "身份证号",
    "年度",
    "务工地域",
    "务工地点",
    "用工单位",
    "务工月数",
    "务工收入",
)


def transfer_rows(scope: Scope, transfers: Iterable[TransferEmployment]) -> Iterable[list[Any]]:
    for t in transfers:
        yield [
            t.area_code,
            t.laborer.name,
            _id(scope, t.laborer.id_number),
            t.year,
            choice_label(Region, t.region),
            t.place,
            t.employer,
            t.months,
            float(t.income),
        ]
