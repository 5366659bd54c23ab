"""Edits of a problem outside its workflow: its fields, its tasks (任务清单), its evidence (整改佐证),
and the county's categories.

Whoever may work on a problem (services.workflow.may_work_on_problem) may edit it, add tasks and
upload evidence; a task's owner may also mark it done. Every edit checks the version the user read
(a second editor gets a conflict and nothing is saved) and leaves a change-log row. A closed
(已销号) problem is not edited: it is reopened first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.files import document_kind, image_format
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.people.models import Cadre, Unit
from fupin.rectification.models import (
    ChecklistQuestion,
    Evidence,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Task,
)
from fupin.rectification.services.workflow import may_work_on_problem

EDITABLE_FIELDS = frozenset(
    {
        "description",
        "category",
        "responsible_unit",
        "responsible_leader",
        "responsible_person",
        "measures",
        "fix_at_once",
        "long_term",
    }
)
STARTED = (ProblemStatus.IN_PROGRESS, ProblemStatus.RECTIFIED)
CLOSED_REFUSAL = "问题{code}已销号，不能修改；如需修改，请先重新打开"
TASK_CONFLICT = "该任务已被他人修改，请刷新后重新操作（未保存您的修改）。"

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "BMP": "bmp"}
EVIDENCE_KINDS = "照片（JPG、PNG）、PDF或Word文件"


# -- the problem's own fields --------------------------------------------------------------------
def unit_county_code(unit: Unit) -> str | None:
    """The county a unit belongs to: its area's, else its parent's; None when neither is known."""
    for candidate in (unit, unit.parent):
        if candidate is not None and candidate.area is not None:
            return areacode.county_code_of(candidate.area.code)
    return None


def responsibility_refusals(problem: Problem, changes: dict[str, Any]) -> dict[str, str]:
    county = areacode.county_code_of(problem.area_code)
    errors: dict[str, str] = {}
    units: dict[str, Unit | None] = {"responsible_unit": changes.get("responsible_unit")}
    for name in ("responsible_leader", "responsible_person"):
        cadre: Cadre | None = changes.get(name)
        units[name] = cadre.unit if cadre is not None else None
    labels = {
        "responsible_unit": "责任单位",
        "responsible_leader": "责任领导",
        "responsible_person": "责任人",
    }
    for name, unit in units.items():
        if unit is None or name not in changes:
            continue
        own = unit_county_code(unit)
        if own is not None and own != county:
            errors[name] = f"{labels[name]}不属于本县"
    return errors


def problem_edit_refusals(problem: Problem, changes: dict[str, Any]) -> dict[str, str]:
    """Field → reason in Chinese for each way the changes cannot be saved; empty when they can."""
    errors: dict[str, str] = {}
    if "description" in changes and not str(changes["description"]).strip():
        errors["description"] = "请填写问题描述"
    category: ProblemCategory | None = changes.get("category")
    if "category" in changes:
        if category is None:
            errors["category"] = "请选择问题类别"
        elif areacode.county_code_of(category.county.code) != areacode.county_code_of(problem.area_code):
            errors["category"] = "问题类别不属于该县"
        elif not category.active and category.pk != problem.category_id:
            errors["category"] = f"问题类别“{category.name}”已停用"
    if problem.status in STARTED:
        if "responsible_person" in changes and changes["responsible_person"] is None:
            errors["responsible_person"] = "整改已开始，须有责任人"
        if "measures" in changes and not str(changes["measures"]).strip():
            errors["measures"] = "整改已开始，须有整改措施"
    errors.update(responsibility_refusals(problem, changes))
    return errors


@transaction.atomic
def problem_update(
    *, actor: Actor, scope: Scope, problem: Problem, expected_version: int | None, **changes: Any
) -> Problem:
    """Change the description, category, responsibility, measures or flags of one problem."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    if not may_work_on_problem(scope, problem):
        raise PermissionDenied("您无权修改该问题")
    if problem.status == ProblemStatus.CLOSED:
        raise ApplicationError(CLOSED_REFUSAL.format(code=problem.code))
    for name in ("description", "measures"):
        if name in changes:
            changes[name] = str(changes[name]).strip()
    errors = problem_edit_refusals(problem, changes)
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    return update_fields_checked(problem, actor=actor, expected_version=expected_version, changes=changes)


# -- tasks ---------------------------------------------------------------------------------------
def workable(scope: Scope, problem: Problem, refusal: str) -> None:
    """Refuse (with `refusal`) whoever may not work on the problem, and any work on a closed one."""
    if not may_work_on_problem(scope, problem):
        raise PermissionDenied(refusal)
    if problem.status == ProblemStatus.CLOSED:
        raise ApplicationError(CLOSED_REFUSAL.format(code=problem.code))


@transaction.atomic
def task_create(
    *, actor: Actor, scope: Scope, problem: Problem, title: str, owner: Cadre, deadline: dt.date
) -> Task:
    """Break a measure out as a task with its owner and deadline."""
    workable(scope, problem, "您无权为该问题安排任务")
    errors = {}
    if not title.strip():
        errors["title"] = "请填写任务内容"
    if deadline < problem.found_date:
        errors["deadline"] = "完成时限不能早于问题发现日期"
    if responsibility_refusals(problem, {"responsible_person": owner}):
        errors["owner"] = "负责人不属于本县"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    task = Task(problem=problem, title=title.strip(), owner=owner, deadline=deadline)
    task.full_clean()
    task.save()
    record_change(actor, task, action=ChangeAction.CREATE, before=None)
    return task


def may_finish_task(scope: Scope, task: Task) -> bool:
    return may_work_on_problem(scope, task.problem) or (
        scope.cadre_id is not None and scope.cadre_id == task.owner_id
    )


@transaction.atomic
def task_done(
    *, actor: Actor, scope: Scope, task: Task, expected_version: int | None, done_on: dt.date
) -> Task:
    """Mark a task done on a day (not in the future, not before the problem was found)."""
    if not may_finish_task(scope, task):
        raise PermissionDenied("只有该问题的整改人员或任务负责人可以办结任务")
    if task.problem.status == ProblemStatus.CLOSED:
        raise ApplicationError(CLOSED_REFUSAL.format(code=task.problem.code))
    if expected_version is not None and expected_version != task.version:
        raise ConflictError(TASK_CONFLICT)
    if task.done_on is not None:
        raise ApplicationError(f"任务“{task.title}”已于{task.done_on:%Y-%m-%d}完成")
    if done_on > timezone.localdate():
        raise ApplicationError("完成日期不能晚于今天", field_errors={"done_on": "完成日期不能晚于今天"})
    if done_on < task.problem.found_date:
        raise ApplicationError(
            "完成日期不能早于问题发现日期", field_errors={"done_on": "完成日期不能早于问题发现日期"}
        )
    return update_fields_checked(
        task, actor=actor, expected_version=expected_version, changes={"done_on": done_on}
    )


# -- evidence ------------------------------------------------------------------------------------
def evidence_kind(upload: UploadedFile) -> tuple[str, bool]:
    """(file extension, is a photo) of an upload that is a photo, a PDF or a Word file, judged by
    its content and never by its name; refused in Chinese otherwise."""
    size = upload.size or 0
    if size > MAX_EVIDENCE_BYTES:
        raise ApplicationError(
            f"文件“{upload.name}”超过20MB，请压缩后再上传", field_errors={"file": "文件不能超过20MB"}
        )
    if size == 0:
        raise ApplicationError(f"文件“{upload.name}”是空文件", field_errors={"file": "文件是空的"})
    document = document_kind(upload)
    if document is not None:
        return document, False
    found = image_format(upload)
    if found in IMAGE_FORMATS:
        return IMAGE_FORMATS[found], True
    raise ApplicationError(
        f"文件“{upload.name}”不是{EVIDENCE_KINDS}", field_errors={"file": f"只能上传{EVIDENCE_KINDS}"}
    )


def _original_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "未命名"
    return base[-255:]


@transaction.atomic
def evidence_add(*, actor: Actor, scope: Scope, problem: Problem, upload: UploadedFile) -> Evidence:
    """Attach a photo or file as evidence of the rectification; stored under a name of our own."""
    workable(scope, problem, "您无权为该问题上传整改佐证")
    extension, is_image = evidence_kind(upload)
    evidence = Evidence(
        problem=problem,
        original_name=_original_name(upload.name or ""),
        is_image=is_image,
        uploaded_by=actor.user,
    )
    evidence.file.save(f"{problem.code}-{uuid.uuid4().hex}.{extension}", upload, save=False)
    evidence.save()
    record_change(actor, evidence, action=ChangeAction.CREATE, before=None)
    return evidence


# -- the county's categories ---------------------------------------------------------------------
def may_manage_categories(scope: Scope, county: Area) -> bool:
    """County managers (the county administrator and the poverty-alleviation office)."""
    return scope.can_manage and scope.covers_code(county.code)


def _category_scope(scope: Scope, county: Area) -> None:
    if not may_manage_categories(scope, county):
        raise PermissionDenied("只有县级管理员和扶贫办可以设置问题类别")


def _clean_name(county: Area, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ApplicationError("请填写类别名称", field_errors={"name": "请填写类别名称"})
    if len(name) > 50:
        raise ApplicationError("类别名称不能超过50个字", field_errors={"name": "类别名称不能超过50个字"})
    clash = ProblemCategory.objects.filter(county=county, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ApplicationError(f"类别“{name}”已存在", field_errors={"name": f"类别“{name}”已存在"})
    return name


@transaction.atomic
def category_create(*, actor: Actor, scope: Scope, county: Area, name: str) -> ProblemCategory:
    _category_scope(scope, county)
    clean = _clean_name(county, name)
    last = ProblemCategory.objects.filter(county=county).aggregate(m=Max("order"))["m"] or 0
    category = ProblemCategory(county=county, name=clean, order=last + 1)
    category.full_clean()
    category.save()
    record_change(actor, category, action=ChangeAction.CREATE, before=None)
    return category


@transaction.atomic
def category_update(
    *,
    actor: Actor,
    scope: Scope,
    category: ProblemCategory,
    expected_version: int | None,
    name: str | None = None,
    active: bool | None = None,
) -> ProblemCategory:
    """Rename a category, or deactivate (停用) or reactivate it; a deactivated category keeps its
    problems and is no longer offered for new ones."""
    _category_scope(scope, category.county)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean_name(category.county, name, exclude=category.pk)
    if active is not None:
        changes["active"] = active
    return update_fields_checked(category, actor=actor, expected_version=expected_version, changes=changes)


@transaction.atomic
def category_move(*, actor: Actor, scope: Scope, category: ProblemCategory, up: bool) -> None:
    """Move a category one place up or down in the county's order (the order is renumbered 1, 2, …
    so that ties left by older data cannot stall a move)."""
    _category_scope(scope, category.county)
    ordered = list(
        ProblemCategory.objects.select_for_update()
        .filter(county_id=category.county_id)
        .select_related("county")
        .order_by("order", "id")
    )
    at = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(ordered):
        return
    ordered[at], ordered[other] = ordered[other], ordered[at]
    for position, item in enumerate(ordered, start=1):
        if item.order != position:
            update_fields_checked(item, actor=actor, expected_version=None, changes={"order": position})


def category_usage(category: ProblemCategory) -> int:
    """How many problems and checklist questions use a category."""
    problems = Problem.objects.filter(category=category).count()
    return problems + ChecklistQuestion.objects.filter(category=category).count()


@transaction.atomic
def category_delete(*, actor: Actor, scope: Scope, category: ProblemCategory) -> None:
    """Delete a category nothing uses; one in use is refused (it can be deactivated instead)."""
    _category_scope(scope, category.county)
    used = category_usage(category)
    if used:
        raise ApplicationError(f"类别“{category.name}”已被{used}个问题或自查条目使用，不能删除；可以停用")
    before = category.audit_snapshot()
    entry = record_change(actor, category, action=ChangeAction.DELETE, before=before)
    assert entry.pk is not None
    category.delete()
