"""One problem's page: its fields, history and evidence, the workflow actions the user may take, its
edits and tasks."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.selectors import change_history
from fupin.core.web import int_or_none, staff_scope
from fupin.rectification.forms import (
    CloseForm,
    EvidenceForm,
    ProblemEditForm,
    ReasonForm,
    RectifyForm,
    StartForm,
    TaskDoneForm,
    TaskForm,
    cadre_label,
    resolve_cadre,
    resolve_unit,
    unit_label,
)
from fupin.rectification.models import Problem, ProblemCategory, Task
from fupin.rectification.selectors.problems import (
    NOT_RECTIFIED,
    categories_of,
    problem_get,
)
from fupin.rectification.services import workflow
from fupin.rectification.services.editing import (
    evidence_add,
    may_finish_task,
    problem_update,
    responsibility_refusals,
    task_create,
    task_done,
)
from fupin.rectification.views.problems.common import (
    ACTION_FORMS,
    ACTION_TITLES,
    CONTENT_TYPES,
    DOCX,
    DONE_MESSAGES,
    SERVICES,
    S,
    cadre_options,
    refusal_status,
    show_refusal,
    unit_options,
    user_id_of,
)


# -- the problem page ----------------------------------------------------------------------------
def _visible_problem(request: HttpRequest, code: str) -> tuple[Scope, Problem]:
    scope = staff_scope(request)
    problem = problem_get(scope, code, user_id=user_id_of(request))
    if problem is None:
        raise Http404
    return scope, problem


def _start_initial(problem: Problem) -> dict[str, Any]:
    return {
        "version": problem.version,
        "measures": problem.measures,
        "deadline": problem.deadline,
        "responsible_person": cadre_label(problem.responsible_person),
        "responsible_leader": cadre_label(problem.responsible_leader),
        "on": timezone.localdate(),
    }


def action_forms(scope: Scope, problem: Problem) -> dict[str, forms.Form]:
    """The workflow forms this user may use on this problem now, by action name."""
    found: dict[str, forms.Form] = {}
    version = {"version": problem.version}
    work = workflow.may_work_on_problem(scope, problem)
    verify = workflow.may_verify_problem(scope, problem)
    status = problem.status
    if work and status == S.OPEN:
        found["start"] = StartForm(initial=_start_initial(problem))
    if work and (status == S.IN_PROGRESS or (status == S.OPEN and problem.fix_at_once)):
        found["rectify"] = RectifyForm(initial=version)
    if verify and status == S.RECTIFIED:
        found["close"] = CloseForm(initial=version)
        found["reject"] = ReasonForm(initial=version)
    if workflow.may_manage_problem(scope, problem) and status in (S.CLOSED, S.RECTIFIED):
        found["reopen"] = ReasonForm(initial=version)
    return found


def _detail(
    request: HttpRequest,
    scope: Scope,
    problem: Problem,
    *,
    bound: Mapping[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = dict(bound or {})
    workable = workflow.may_work_on_problem(scope, problem) and problem.status != S.CLOSED
    available = action_forms(scope, problem)
    available.update({name: form for name, form in bound.items() if name in ACTION_TITLES})
    actions = [
        {"name": name, "title": ACTION_TITLES[name][0], "hint": ACTION_TITLES[name][1], "form": form}
        for name, form in available.items()
    ]
    tasks = list(problem.tasks.select_related("owner", "owner__unit").order_by("deadline", "id"))
    today = timezone.localdate()
    task_rows = [
        {
            "task": task,
            "overdue": task.done_on is None and task.deadline < today,
            "done_form": (
                (
                    bound.get(f"task-{task.pk}")
                    or TaskDoneForm(initial={"version": task.version, "done_on": today})
                )
                if task.done_on is None and problem.status != S.CLOSED and may_finish_task(scope, task)
                else None
            ),
        }
        for task in tasks
    ]
    context = {
        "problem": problem,
        "is_overdue": problem.status in NOT_RECTIFIED and bool(problem.deadline and problem.deadline < today),
        "actions": actions,
        "events": problem.events.select_related("by").order_by("at", "id"),
        "history": change_history(problem)[:100],
        "evidence": problem.evidence.select_related("uploaded_by").order_by("id"),
        "task_rows": task_rows,
        "task_form": (bound.get("task") or TaskForm()) if workable else None,
        "evidence_form": (bound.get("evidence") or EvidenceForm()) if workable else None,
        "can_edit": workable,
        "cadre_options": cadre_options(problem, scope) if (workable or actions) else [],
        "reporter_phone": problem.reporter_phone if scope.can_see_full_id_numbers else "",
    }
    return render(request, "rectification/problem_detail.html", context, status=status)


@login_required
@require_GET
def problem_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    scope, problem = _visible_problem(request, code)
    return _detail(request, scope, problem)


def _cadre_field(
    form: forms.Form, name: str, county_code: str, changes: dict[str, Any], *, keep_blank: bool = False
) -> None:
    """Resolve a cadre picker into `changes`; an unknown name becomes the field's error."""
    value = form.cleaned_data.get(name, "")
    cadre, reason = resolve_cadre(value, county_code)
    if reason:
        form.add_error(name, reason)
    elif cadre is not None or not keep_blank:
        changes[name] = cadre


def start_params(form: forms.Form, problem: Problem) -> dict[str, Any] | None:
    """The service arguments of a filled start form, or None with errors on the form."""
    county = areacode.county_code_of(problem.area_code)
    people: dict[str, Any] = {}
    _cadre_field(form, "responsible_person", county, people, keep_blank=True)
    _cadre_field(form, "responsible_leader", county, people, keep_blank=True)
    for name, message in responsibility_refusals(problem, people).items():
        form.add_error(name, message)
    if form.errors:
        return None
    data = form.cleaned_data
    return {"measures": data["measures"], "deadline": data["deadline"], "on": data["on"], **people}


def action_params(action: str, form: forms.Form, problem: Problem) -> dict[str, Any] | None:
    data = form.cleaned_data
    if action == "start":
        return start_params(form, problem)
    if action == "rectify":
        return {"account": data["account"], "completed_date": data["completed_date"]}
    if action == "close":
        return {"closed_date": data["closed_date"], "note": data["note"]}
    return {"reason": data["reason"]}


@login_required
@require_POST
def problem_action_view(request: HttpRequest, code: str, action: str) -> HttpResponse:
    scope, problem = _visible_problem(request, code)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "未保存：请检查填写的内容。")
        return _detail(request, scope, problem, bound={action: form}, status=400)
    params = action_params(action, form, problem)
    if params is None:
        messages.error(request, "未保存：请检查填写的内容。")
        return _detail(request, scope, problem, bound={action: form}, status=400)
    try:
        SERVICES[action](
            actor=Actor.of(request.user),
            scope=scope,
            problem=problem,
            expected_version=form.cleaned_data["version"],
            **params,
        )
    except ApplicationError as error:
        show_refusal(request, form, error)
        problem.refresh_from_db()
        return _detail(request, scope, problem, bound={action: form}, status=refusal_status(error))
    messages.success(request, DONE_MESSAGES[action])
    return redirect("rectification:problem-detail", code=problem.code)


# -- editing -------------------------------------------------------------------------------------
def _edit_initial(problem: Problem) -> dict[str, Any]:
    return {
        "version": problem.version,
        "description": problem.description,
        "category": str(problem.category_id),
        "responsible_unit": unit_label(problem.responsible_unit),
        "responsible_leader": cadre_label(problem.responsible_leader),
        "responsible_person": cadre_label(problem.responsible_person),
        "measures": problem.measures,
        "fix_at_once": problem.fix_at_once,
        "long_term": problem.long_term,
    }


def _edit_changes(form: ProblemEditForm, problem: Problem) -> dict[str, Any] | None:
    data = form.cleaned_data
    county = areacode.county_code_of(problem.area_code)
    category = ProblemCategory.objects.filter(pk=int_or_none(data["category"]) or 0).first()
    changes: dict[str, Any] = {
        "description": data["description"],
        "category": category,
        "measures": data["measures"],
        "fix_at_once": data["fix_at_once"],
        "long_term": data["long_term"],
    }
    unit, reason = resolve_unit(data["responsible_unit"], county)
    if reason:
        form.add_error("responsible_unit", reason)
    changes["responsible_unit"] = unit
    _cadre_field(form, "responsible_leader", county, changes)
    _cadre_field(form, "responsible_person", county, changes)
    return None if form.errors else changes


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    scope, problem = _visible_problem(request, code)
    if not workflow.may_work_on_problem(scope, problem):
        raise PermissionDenied("您无权修改该问题")
    categories = categories_of(areacode.county_code_of(problem.area_code)).filter(
        Q(active=True) | Q(pk=problem.category_id)
    )
    county = areacode.county_code_of(problem.area_code)
    status = 200
    if request.method == "POST":
        form = ProblemEditForm(request.POST, categories=categories)
        changes = _edit_changes(form, problem) if form.is_valid() else None
        if changes is not None:
            try:
                problem_update(
                    actor=Actor.of(request.user),
                    scope=scope,
                    problem=problem,
                    expected_version=form.cleaned_data["version"],
                    **changes,
                )
            except ApplicationError as error:
                show_refusal(request, form, error)
                status = refusal_status(error)
            else:
                messages.success(request, "问题已保存。")
                return redirect("rectification:problem-detail", code=problem.code)
        else:
            status = 400
    else:
        form = ProblemEditForm(initial=_edit_initial(problem), categories=categories)
    context = {
        "problem": problem,
        "form": form,
        "cadre_options": cadre_options(problem, scope),
        "unit_options": unit_options(county),
    }
    return render(request, "rectification/problem_edit.html", context, status=status)


# -- tasks and evidence --------------------------------------------------------------------------
@login_required
@require_POST
def task_add_view(request: HttpRequest, code: str) -> HttpResponse:
    scope, problem = _visible_problem(request, code)
    form = TaskForm(request.POST)
    if form.is_valid():
        owner, reason = resolve_cadre(form.cleaned_data["owner"], areacode.county_code_of(problem.area_code))
        if owner is None:
            form.add_error("owner", reason or "请填写负责人")
        else:
            try:
                task_create(
                    actor=Actor.of(request.user),
                    scope=scope,
                    problem=problem,
                    title=form.cleaned_data["title"],
                    owner=owner,
                    deadline=form.cleaned_data["deadline"],
                )
            except ApplicationError as error:
                show_refusal(request, form, error)
                return _detail(request, scope, problem, bound={"task": form}, status=refusal_status(error))
            messages.success(request, "已添加任务。")
            return redirect(reverse("rectification:problem-detail", args=[problem.code]) + "#tasks")
    messages.error(request, "未保存：请检查任务的填写。")
    return _detail(request, scope, problem, bound={"task": form}, status=400)


@login_required
@require_POST
def task_done_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scope, problem = _visible_problem(request, code)
    task = Task.objects.select_related("problem", "owner").filter(problem=problem, pk=pk).first()
    if task is None:
        raise Http404
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            task_done(
                actor=Actor.of(request.user),
                scope=scope,
                task=task,
                expected_version=form.cleaned_data["version"],
                done_on=form.cleaned_data["done_on"],
            )
        except ApplicationError as error:
            show_refusal(request, form, error)
            bound = {f"task-{task.pk}": form}
            return _detail(request, scope, problem, bound=bound, status=refusal_status(error))
        messages.success(request, f"任务“{task.title}”已完成。")
        return redirect(reverse("rectification:problem-detail", args=[problem.code]) + "#tasks")
    messages.error(request, "未保存：请填写完成日期。")
    return _detail(request, scope, problem, bound={f"task-{task.pk}": form}, status=400)


@login_required
@require_POST
def evidence_upload_view(request: HttpRequest, code: str) -> HttpResponse:
    scope, problem = _visible_problem(request, code)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence_add(
                actor=Actor.of(request.user), scope=scope, problem=problem, upload=form.cleaned_data["file"]
            )
        except ApplicationError as error:
            show_refusal(request, form, error)
            return _detail(request, scope, problem, bound={"evidence": form}, status=refusal_status(error))
        messages.success(request, "已上传整改佐证。")
        return redirect(reverse("rectification:problem-detail", args=[problem.code]) + "#evidence")
    messages.error(request, "未保存：请选择要上传的文件。")
    return _detail(request, scope, problem, bound={"evidence": form}, status=400)


def _content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    if extension == "docx":
        return DOCX
    return CONTENT_TYPES.get(extension) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@login_required
@require_GET
def evidence_file_view(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """An evidence file, only to whoever may see its problem (never from a public media URL)."""
    _, problem = _visible_problem(request, code)
    evidence = problem.evidence.filter(pk=pk).first()
    if evidence is None or not evidence.file:
        raise Http404
    try:
        evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        evidence.file,
        content_type=_content_type(evidence.file.name or ""),
        as_attachment=not evidence.is_image,
        filename=evidence.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
