"""Pages of field work: research reports (调研材料) — the list with its counts, the upload form, one
report, and the download, which checks the reader's scope (uploads are never served publicly)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.selectors import change_history
from fupin.core.web import int_or_none, paginate, staff_scope
from fupin.fieldwork.forms_reports import ResearchReportForm
from fupin.fieldwork.models import ResearchMethod, ResearchReport
from fupin.fieldwork.selectors.research import research_counts, research_get, research_list
from fupin.fieldwork.services.research import research_report_create
from fupin.fieldwork.views.leave import service_saved
from fupin.people.selectors import cadre_get


@login_required
@require_GET
def research_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    code = request.GET.get("area", "").strip()
    method = request.GET.get("method", "")
    reports = research_list(
        scope,
        # An area outside the scope is ignored rather than widening anything.
        area_code=code if code and area_get(scope, code) else "",
        method=method if method in ResearchMethod.values else "",
        year=int_or_none(request.GET.get("year")),
    )
    page, query = paginate(request, reports)
    return render(
        request,
        "fieldwork/research_list.html",
        {
            "page_obj": page,
            "query": query,
            "counts": research_counts(reports),
            "methods": ResearchMethod.choices,
            "may_upload": scope.cadre_id is not None or scope.can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def research_create_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    form = ResearchReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"researched_on": timezone.localdate(), "area_code": scope.root_area_code or ""},
        may_choose_author=scope.can_manage,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = area_get(scope, data["area_code"].strip())
        author_code = (data.get("author_code") or "").strip()
        author = cadre_get(scope, author_code) if author_code else None
        if area is None:
            form.add_error("area_code", "区划代码不存在或不在您的管辖范围内")
        if author_code and author is None:
            form.add_error("author_code", "干部编号不存在或不在您的管辖范围内")
        if area is not None and not form.errors:
            upload = data["document"]
            saved = service_saved(
                request,
                form,
                lambda: research_report_create(
                    actor=Actor.of(request.user),
                    scope=scope,
                    title=data["title"],
                    topic=data["topic"],
                    area=area,
                    method=data["method"],
                    researched_on=data["researched_on"],
                    summary=data["summary"],
                    document=upload,
                    original_name=upload.name,
                    author=author,
                ),
            )
            if saved:
                messages.success(request, f"已上传调研材料“{data['title']}”。")
                return redirect("fieldwork:research-list")
    return render(request, "fieldwork/research_form.html", {"form": form})


def _visible_report(request: HttpRequest, pk: int) -> ResearchReport:
    report = research_get(staff_scope(request), pk)
    if report is None:
        raise Http404
    return report


@login_required
@require_GET
def research_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    return render(
        request, "fieldwork/research_detail.html", {"report": report, "history": change_history(report)[:50]}
    )


@login_required
@require_GET
def research_download_view(request: HttpRequest, pk: int) -> FileResponse:
    report = _visible_report(request, pk)
    try:
        handle = report.document.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    content_type = mimetypes.guess_type(report.original_name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=report.original_name, content_type=content_type)


urlpatterns: list[URLPattern | URLResolver] = [
    path("fieldwork/research/", research_list_view, name="research-list"),
    path("fieldwork/research/new/", research_create_view, name="research-create"),
    path("fieldwork/research/<int:pk>/", research_detail_view, name="research-detail"),
    path("fieldwork/research/<int:pk>/download/", research_download_view, name="research-download"),
]
