"""Pages of key projects: the registry with the totals against the annual plan and its Excel export,
a project's page with its monthly progress, milestones and their photos."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.web import int_or_none, put_refusal_on_form, staff_scope
from fupin.indicators.exports import projects_xlsx
from fupin.indicators.forms import (
    MilestoneDoneForm,
    MilestoneForm,
    PhotoForm,
    PlanForm,
    ProgressForm,
    ProjectFilterForm,
    ProjectForm,
)
from fupin.indicators.models import Milestone, MilestonePhoto, Project, ProjectProgress
from fupin.indicators.selectors.projects import (
    project_get,
    project_list,
    project_totals,
    project_visibility_q,
)
from fupin.indicators.services import projects as services
from fupin.people.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year_month(request: HttpRequest) -> tuple[int, int]:
    latest = ProjectProgress.objects.order_by("-year", "-month").first()
    today = timezone.localdate()
    year = int_or_none(request.GET.get("year")) or (latest.year if latest else today.year)
    month = int_or_none(request.GET.get("month")) or (latest.month if latest else today.month)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404("年度或月份无效")
    return year, month


def _filtered(request: HttpRequest) -> tuple[ProjectFilterForm, Any]:
    scope = staff_scope(request)
    form = ProjectFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    projects = project_list(
        scope,
        area_code=data.get("area", ""),
        industry=data.get("industry", ""),
        unit_code=data.get("unit", ""),
    )
    return form, projects


@login_required
@require_GET
def project_list_view(request: HttpRequest) -> HttpResponse:
    form, projects = _filtered(request)
    year, month = _year_month(request)
    totals = project_totals(projects, year, month)
    chart = {
        "months": [f"{m}月" for m in range(1, month + 1)],
        "monthly": [float(v) for v in totals.monthly],
        "industries": [{"name": k, "value": float(v["completed"])} for k, v in totals.by_industry.items()],
    }
    query = request.GET.urlencode()
    context = {
        "form": form,
        "totals": totals,
        "year": year,
        "month": month,
        "months": range(1, 13),
        "chart": chart,
        "query": query,
    }
    return render(request, "indicators/projects.html", context)


@login_required
@require_GET
def project_export(request: HttpRequest) -> HttpResponse:
    _, projects = _filtered(request)
    year, month = _year_month(request)
    response = HttpResponse(projects_xlsx(project_totals(projects, year, month)), content_type=XLSX)
    filename = quote(f"重点项目{year}年1-{month}月.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _project(request: HttpRequest, code: str) -> Project:
    project = project_get(staff_scope(request), code)
    if project is None:
        raise Http404("项目不存在或不在您的管辖范围内")
    return project


@login_required
@require_GET
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_detail(request, _project(request, code))


def _plan_form(project: Project, year: int) -> PlanForm:
    plan = project.plans.filter(year=year).first()
    if plan is None:
        return PlanForm(initial={"year": year, "version": 0})
    return PlanForm(
        initial={"year": year, "planned_investment": plan.planned_investment, "version": plan.version}
    )


def _render_detail(request: HttpRequest, project: Project, **forms: Any) -> HttpResponse:
    scope = staff_scope(request)
    year, month = _year_month(request)
    progress = list(project.progress.order_by("-year", "-month"))
    latest = next((p for p in progress if (p.year, p.month) == (year, month)), None)
    initial: dict[str, Any] = {"year": year, "month": month}
    if latest is not None:
        initial |= {
            "completed_investment": latest.completed_investment,
            "progress": latest.progress,
            "version": latest.version,
        }
    context = {
        "project": project,
        "plans": project.plans.order_by("year"),
        "progress": progress,
        "milestones": project.milestones.prefetch_related("photos"),
        "can_report": services.may_report(scope, project),
        "progress_form": forms.get("progress_form") or ProgressForm(initial=initial),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "photo_form": PhotoForm(),
        "can_plan": services.may_register(scope, project.area),
        "plan_form": forms.get("plan_form") or _plan_form(project, year),
        "today": timezone.localdate(),
    }
    return render(request, "indicators/project_detail.html", context, status=400 if forms else 200)


@login_required
@require_POST
def progress_save(request: HttpRequest, code: str) -> HttpResponse:
    project = _project(request, code)
    form = ProgressForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.project_progress_save(
                actor=Actor.of(request.user),
                scope=staff_scope(request),
                project=project,
                year=data["year"],
                month=data["month"],
                completed_investment=data["completed_investment"],
                progress=data["progress"],
                expected_version=data["version"],
            )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, f"已保存{data['year']}年{data['month']}月进度")
            return redirect("indicators:project-detail", code=project.code)
    return _render_detail(request, project, progress_form=form)


@login_required
@require_POST
def milestone_add(request: HttpRequest, code: str) -> HttpResponse:
    project = _project(request, code)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_create(
                actor=Actor.of(request.user), scope=staff_scope(request), project=project, **form.cleaned_data
            )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, "已添加节点")
            return redirect("indicators:project-detail", code=project.code)
    return _render_detail(request, project, milestone_form=form)


def _milestone(request: HttpRequest, pk: int) -> Milestone:
    scope = staff_scope(request)
    milestone = Milestone.objects.filter(pk=pk).select_related("project").first()
    if (
        milestone is None
        or not Project.objects.filter(project_visibility_q(scope), pk=milestone.project_id).exists()
    ):
        raise Http404("节点不存在")
    return milestone


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写完成日期")
    else:
        try:
            services.milestone_complete(
                actor=Actor.of(request.user),
                scope=staff_scope(request),
                milestone=milestone,
                completed_date=form.cleaned_data["completed_date"],
                expected_version=form.cleaned_data["version"],
                today=timezone.localdate(),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "节点已完成")
    return redirect("indicators:project-detail", code=milestone.project.code)


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, "请选择照片")
    else:
        try:
            services.milestone_photo_add(
                actor=Actor.of(request.user),
                scope=staff_scope(request),
                milestone=milestone,
                upload=upload,
                name=upload.name or "photo.jpg",
                size=upload.size or 0,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "照片已上传")
    return redirect("indicators:project-detail", code=milestone.project.code)


@login_required
@require_GET
def photo_view(request: HttpRequest, pk: int) -> FileResponse:
    photo = MilestonePhoto.objects.filter(pk=pk).select_related("milestone").first()
    if photo is None:
        raise Http404("照片不存在")
    _milestone(request, photo.milestone_id)
    return FileResponse(photo.file.open("rb"), filename=photo.original_name)


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    """Registering a key project (the county office)."""
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记重点项目")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = Unit.objects.filter(code=data.pop("owner_unit").strip()).first()
        area = Area.objects.filter(code=data.pop("area").strip()).first()
        if unit is None:
            form.add_error("owner_unit", "单位编码不存在")
        if area is None or not scope.covers_code(area.code):
            form.add_error("area", "区划代码不存在或不在您的管辖范围内")
        if unit is not None and area is not None and not form.errors:
            try:
                project = services.project_create(
                    actor=Actor.of(request.user), scope=scope, owner_unit=unit, area=area, **data
                )
            except ApplicationError as error:
                put_refusal_on_form(form, error)
            else:
                messages.success(request, "已登记项目")
                return redirect("indicators:project-detail", code=project.code)
    return render(request, "indicators/project_form.html", {"form": form})


@login_required
@require_POST
def plan_save(request: HttpRequest, code: str) -> HttpResponse:
    project = _project(request, code)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.project_plan_set(
                actor=Actor.of(request.user),
                scope=staff_scope(request),
                project=project,
                year=form.cleaned_data["year"],
                planned_investment=form.cleaned_data["planned_investment"],
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, "已下达年度计划投资")
            return redirect("indicators:project-detail", code=project.code)
    return _render_detail(request, project, plan_form=form)


urlpatterns: list[URLPattern] = [
    path("projects/", project_list_view, name="project-list"),
    path("projects/new/", project_new, name="project-new"),
    path("projects/<str:code>/plan/", plan_save, name="project-plan"),
    path("projects/export.xlsx", project_export, name="project-export"),
    path("projects/<str:code>/", project_detail, name="project-detail"),
    path("projects/<str:code>/progress/", progress_save, name="project-progress"),
    path("projects/<str:code>/milestones/", milestone_add, name="milestone-add"),
    path("projects/milestones/<int:pk>/done/", milestone_done, name="milestone-done"),
    path("projects/milestones/<int:pk>/photos/", photo_add, name="milestone-photo"),
    path("projects/photos/<int:pk>/", photo_view, name="milestone-photo-view"),
]
