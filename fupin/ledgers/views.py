"""Ledger pages for office staff: templates, exports, upload → validation report → confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from fupin.core.scope import Scope
from fupin.core.web import signed_in_user, staff_scope
from fupin.ledgers.base import LedgerError
from fupin.ledgers.exports import error_report_xlsx, ledger_export_csv, ledger_export_xlsx, ledger_template
from fupin.ledgers.jobs import job_confirm, job_create, job_progress
from fupin.ledgers.models import ImportJob, ImportStatus
from fupin.ledgers.registry import LEDGERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _manager_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县级管理员和扶贫办工作人员可以导入导出台账")
    return scope


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _job_for(request: HttpRequest, job_id: int) -> ImportJob:
    _manager_scope(request)
    return get_object_or_404(ImportJob, pk=job_id, user=signed_in_user(request))


@login_required
@require_GET
def ledger_index(request: HttpRequest) -> HttpResponse:
    _manager_scope(request)
    jobs = ImportJob.objects.filter(user=signed_in_user(request)).defer("content")[:10]
    return render(request, "ledgers/index.html", {"ledgers": LEDGERS.values(), "jobs": jobs})


@login_required
@require_GET
def ledger_template_view(request: HttpRequest, name: str) -> HttpResponse:
    _manager_scope(request)
    if name not in LEDGERS:
        raise Http404
    return _download(ledger_template(LEDGERS[name]), f"{name}-template.xlsx", XLSX)


@login_required
@require_GET
def ledger_export_view(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    scope = _manager_scope(request)
    if name not in LEDGERS or fmt not in {"xlsx", "csv"}:
        raise Http404
    if fmt == "csv":
        return _download(ledger_export_csv(LEDGERS[name], scope), f"{name}.csv", "text/csv; charset=utf-8")
    return _download(ledger_export_xlsx(LEDGERS[name], scope), f"{name}.xlsx", XLSX)


@login_required
@require_POST
def ledger_upload(request: HttpRequest) -> HttpResponse:
    _manager_scope(request)
    name = request.POST.get("ledger", "")
    upload = request.FILES.get("file")
    if name not in LEDGERS or upload is None:
        messages.error(request, "请选择台账类型和要上传的文件。")
        return redirect("ledgers:index")
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, "文件超过20MB：请拆分后上传，或由运维人员用命令行导入。")
        return redirect("ledgers:index")
    job = job_create(
        user=signed_in_user(request), ledger=name, filename=upload.name or "upload", content=upload.read()
    )
    return redirect("ledgers:job", job_id=job.pk)


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    return render(
        request,
        "ledgers/job.html",
        {"job": job, "ledger": LEDGERS[job.ledger], "progress": job_progress(job), "statuses": ImportStatus},
    )


@login_required
@require_GET
def job_progress_partial(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    response = render(request, "ledgers/_progress.html", {"job": job, "progress": job_progress(job)})
    if not job.running:
        # Reload the page once the work is done, to show the report.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def job_confirm_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    if job.status != ImportStatus.VALID:
        messages.error(request, "只有校验通过的文件可以确认导入。")
    else:
        job_confirm(job=job)
    return redirect("ledgers:job", job_id=job.pk)


@login_required
@require_GET
def job_errors_xlsx(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    errors = [LedgerError(**e) for e in job.report.get("errors", [])]
    warnings = [LedgerError(**w) for w in job.report.get("warnings", [])]
    return _download(error_report_xlsx(errors, warnings), f"errors-{job.pk}.xlsx", XLSX)
