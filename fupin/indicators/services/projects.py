"""Key projects: registering them, their annual plans, monthly completed investment and progress, and
milestones with photos.

The county office registers projects and sets their annual plans; the owner unit (a unit account
of that unit or above it) and the town of the project report monthly progress and milestones. Every
write checks the version the user read and leaves a change-log row.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import IO

from django.core.files.base import File
from django.db import transaction

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.files import image_format
from fupin.core.models import ChangeAction
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.indicators.models import Industry, Milestone, MilestonePhoto, Project, ProjectPlan, ProjectProgress
from fupin.people.models import Unit

STALE = "该记录已被他人修改，请刷新后重试"
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})


def may_register(scope: Scope, area: Area) -> bool:
    return scope.can_manage and scope.covers_code(area.code)


def may_report(scope: Scope, project: Project) -> bool:
    """Monthly progress and milestones: the county office, the project's town, its owner unit."""
    if scope.can_manage and scope.covers_code(project.area_code):
        return True
    if scope.role == Role.TOWN_OFFICIAL and scope.covers_code(project.area_code):
        return True
    return scope.role == Role.UNIT_USER and project.owner_unit_id in scope.unit_ids


def _money(value: Decimal, field: str, label: str) -> None:
    if value < 0:
        raise ApplicationError(f"{label}不能为负数", field_errors={field: f"{label}不能为负数"})


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    name: str,
    industry: str,
    owner_unit: Unit,
    area: Area,
    start_date: dt.date,
    end_date: dt.date | None,
    total_investment: Decimal,
    description: str = "",
) -> Project:
    if not may_register(scope, area):
        raise PermissionDenied("只有县扶贫办可以登记该区划的重点项目")
    errors: dict[str, str] = {}
    if Project.objects.filter(code=code).exists():
        errors["code"] = "项目编号已存在"
    if industry not in Industry.values:
        errors["industry"] = "行业无效"
    if end_date is not None and end_date < start_date:
        errors["end_date"] = "计划竣工日期不能早于开工日期"
    if areacode.level_of(area.code) not in (areacode.COUNTY, areacode.TOWN, areacode.VILLAGE):
        errors["area"] = "所在区划应为县、乡镇或村"
    if total_investment < 0:
        errors["total_investment"] = "总投资不能为负数"
    if errors:
        raise ApplicationError("项目信息有误：" + "；".join(errors.values()), field_errors=errors)
    project = Project.objects.create(
        code=code,
        name=name,
        industry=industry,
        owner_unit=owner_unit,
        area=area,
        start_date=start_date,
        end_date=end_date,
        total_investment=total_investment,
        description=description,
    )
    record_change(actor, project, action=ChangeAction.CREATE, before=None)
    return project


@transaction.atomic
def project_plan_set(
    *,
    actor: Actor,
    scope: Scope,
    project: Project,
    year: int,
    planned_investment: Decimal,
    expected_version: int = 0,
) -> ProjectPlan:
    """The year's planned investment; the caller passes the version it read (0: no plan yet)."""
    if not may_register(scope, project.area):
        raise PermissionDenied("只有县扶贫办可以下达年度计划投资")
    _money(planned_investment, "planned_investment", "年度计划投资")
    plan = ProjectPlan.objects.select_for_update().filter(project=project, year=year).first()
    if expected_version != (0 if plan is None else plan.version):
        raise ConflictError(STALE)
    if plan is None:
        plan = ProjectPlan.objects.create(project=project, year=year, planned_investment=planned_investment)
        record_change(actor, plan, action=ChangeAction.CREATE, before=None)
        return plan
    before = plan.audit_snapshot()
    plan.planned_investment, plan.version = planned_investment, plan.version + 1
    plan.save()
    record_change(actor, plan, action=ChangeAction.UPDATE, before=before)
    return plan


@transaction.atomic
def project_progress_save(
    *,
    actor: Actor,
    scope: Scope,
    project: Project,
    year: int,
    month: int,
    completed_investment: Decimal,
    progress: str,
    expected_version: int | None,
) -> ProjectProgress:
    """The month's completed investment and progress; expected_version None for a new month."""
    if not may_report(scope, project):
        raise PermissionDenied("您不能填报该项目的进度")
    if not 1 <= month <= 12:
        raise ApplicationError("月份无效", field_errors={"month": "月份应为1–12"})
    _money(completed_investment, "completed_investment", "当月完成投资")
    row = ProjectProgress.objects.select_for_update().filter(project=project, year=year, month=month).first()
    if row is None:
        if expected_version is not None:
            raise ConflictError(STALE)
        row = ProjectProgress.objects.create(
            project=project,
            year=year,
            month=month,
            completed_investment=completed_investment,
            progress=progress,
        )
        record_change(actor, row, action=ChangeAction.CREATE, before=None)
        return row
    if expected_version != row.version:
        raise ConflictError(STALE)
    before = row.audit_snapshot()
    row.completed_investment, row.progress, row.version = completed_investment, progress, row.version + 1
    row.save()
    record_change(actor, row, action=ChangeAction.UPDATE, before=before)
    return row


@transaction.atomic
def milestone_create(
    *, actor: Actor, scope: Scope, project: Project, name: str, planned_date: dt.date, notes: str = ""
) -> Milestone:
    if not may_report(scope, project):
        raise PermissionDenied("您不能维护该项目的节点")
    if not name.strip():
        raise ApplicationError("请填写节点名称", field_errors={"name": "请填写节点名称"})
    milestone = Milestone.objects.create(
        project=project, name=name.strip(), planned_date=planned_date, notes=notes
    )
    record_change(actor, milestone, action=ChangeAction.CREATE, before=None)
    return milestone


@transaction.atomic
def milestone_complete(
    *,
    actor: Actor,
    scope: Scope,
    milestone: Milestone,
    completed_date: dt.date,
    expected_version: int,
    today: dt.date,
) -> Milestone:
    if not may_report(scope, milestone.project):
        raise PermissionDenied("您不能维护该项目的节点")
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.version != expected_version:
        raise ConflictError(STALE)
    if completed_date > today:
        raise ApplicationError(
            "完成日期不能晚于今天", field_errors={"completed_date": "完成日期不能晚于今天"}
        )
    before = locked.audit_snapshot()
    locked.completed_date, locked.version = completed_date, locked.version + 1
    locked.save()
    record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def milestone_photo_add(
    *, actor: Actor, scope: Scope, milestone: Milestone, upload: IO[bytes], name: str, size: int
) -> MilestonePhoto:
    """A photo of a milestone, judged by its content (fupin.core.files), never by its name."""
    if not may_report(scope, milestone.project):
        raise PermissionDenied("您不能维护该项目的节点")
    if size > PHOTO_MAX_BYTES:
        raise ApplicationError("照片不能超过10MB", field_errors={"photo": "照片不能超过10MB"})
    if image_format(upload) not in PHOTO_FORMATS:
        raise ApplicationError(
            "只能上传JPEG、PNG或WEBP照片", field_errors={"photo": "只能上传JPEG、PNG或WEBP照片"}
        )
    photo = MilestonePhoto(milestone=milestone, original_name=name[:200], uploaded_by=actor.user)
    photo.file.save(name, File(upload), save=False)
    photo.save()
    record_change(actor, photo, action=ChangeAction.CREATE, before=None)
    return photo
