"""Pages of field work: reports — the monthly town-stay reports (每月驻镇工作汇报) and their Word
exports here; research reports (调研材料) and work diaries (驻村日志) in their own modules, whose
patterns are listed at the end."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.core.selectors import change_history
from fupin.core.web import staff_scope
from fupin.fieldwork.forms_leave import VersionForm
from fupin.fieldwork.forms_reports import TownStayForm
from fupin.fieldwork.models import TownStayReport
from fupin.fieldwork.selectors.reports import (
    STATUS_LABELS,
    parse_month,
    town_stay_board,
    town_stay_month_reports,
    town_stay_own_report,
    town_stay_report_get,
    town_stay_reports_mine,
    towns_led_in_month,
)
from fupin.fieldwork.services.reports import may_reopen, town_stay_report_reopen, town_stay_report_save
from fupin.fieldwork.views import diary, research
from fupin.fieldwork.views.leave import service_saved
from fupin.fieldwork.views.reports_docx import (
    CONTENT_TYPE,
    month_label,
    town_stay_month_docx,
    town_stay_report_docx,
)
from fupin.people.models import Cadre


def _month_in_url(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise Http404
    return month


def _board_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not scope.is_area_wide:
        raise PermissionDenied("驻镇汇报看板供县、乡镇查看")
    return scope


def _town_filter(scope: Scope, request: HttpRequest) -> str:
    code = request.GET.get("town", "").strip()
    return code if code and area_get(scope, code) else ""


@login_required
@require_GET
def town_stay_board_view(request: HttpRequest) -> HttpResponse:
    scope = _board_scope(request)
    month = parse_month(request.GET.get("month", "")) or timezone.localdate().replace(day=1)
    status = request.GET.get("status", "")
    board = town_stay_board(
        scope,
        month,
        town_code=_town_filter(scope, request),
        status=status if status in STATUS_LABELS else "",
    )
    return render(
        request,
        "fieldwork/town_stay_board.html",
        {
            "board": board,
            "month_text": f"{month:%Y-%m}",
            "month_label": month_label(month),
            "statuses": STATUS_LABELS.items(),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def town_stay_mine_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    chosen = parse_month(request.GET.get("month", ""))
    if chosen is not None:
        return redirect("fieldwork:town-stay-edit", f"{chosen:%Y-%m}")
    this_month = timezone.localdate().replace(day=1)
    return render(
        request,
        "fieldwork/town_stay_mine.html",
        {"reports": town_stay_reports_mine(scope), "this_month": f"{this_month:%Y-%m}"},
    )


def _own_cadre(scope: Scope) -> Cadre:
    if scope.cadre_id is None:
        raise PermissionDenied("您的账号未关联干部，不能填写驻镇汇报")
    return Cadre.objects.get(pk=scope.cadre_id)


@login_required
@require_http_methods(["GET", "POST"])
def town_stay_edit_view(request: HttpRequest, month: str) -> HttpResponse:
    scope = staff_scope(request)
    first = _month_in_url(month)
    cadre = _own_cadre(scope)
    report = town_stay_own_report(scope, first)
    towns = towns_led_in_month(cadre, first)
    initial: dict[str, object] = {"version": None, "town": towns[0].code if towns else ""}
    if report is not None:
        initial |= {
            "version": report.version,
            "town": report.town.code,
            "days_in_town": report.days_in_town,
            "work_done": report.work_done,
            "problems_found": report.problems_found,
            "problems_solved": report.problems_solved,
            "next_steps": report.next_steps,
        }
    form = TownStayForm(request.POST or None, initial=initial, towns=towns)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        data = form.cleaned_data
        if service_saved(
            request,
            form,
            lambda: town_stay_report_save(
                actor=Actor.of(request.user),
                scope=scope,
                month=first,
                town=form.chosen_town(),
                days_in_town=data["days_in_town"],
                work_done=data["work_done"],
                problems_found=data["problems_found"],
                problems_solved=data["problems_solved"],
                next_steps=data["next_steps"],
                expected_version=data["version"],
                submit=submit,
            ),
        ):
            messages.success(request, "汇报已提交。" if submit else "草稿已保存。")
            if submit:
                return redirect("fieldwork:town-stay-detail", cadre.code, month)
            return redirect("fieldwork:town-stay-edit", month)
    return render(
        request,
        "fieldwork/town_stay_form.html",
        {
            "form": form,
            "report": report,
            "towns": towns,
            "cadre": cadre,
            "month_text": month,
            "month_label": month_label(first),
        },
    )


def _readable_report(request: HttpRequest, code: str, month: str) -> tuple[Scope, TownStayReport]:
    scope = staff_scope(request)
    report = town_stay_report_get(scope, code, _month_in_url(month))
    if report is None:
        raise Http404
    return scope, report


@login_required
@require_GET
def town_stay_detail_view(request: HttpRequest, code: str, month: str) -> HttpResponse:
    scope, report = _readable_report(request, code, month)
    reopen = report.submitted_at is not None and may_reopen(scope, report)
    return render(
        request,
        "fieldwork/town_stay_detail.html",
        {
            "report": report,
            "month_text": month,
            "month_label": month_label(report.month),
            "own": report.cadre_id == scope.cadre_id,
            "reopen_form": VersionForm(initial={"version": report.version}) if reopen else None,
            "history": change_history(report)[:50],
        },
    )


@login_required
@require_POST
def town_stay_reopen_view(request: HttpRequest, code: str, month: str) -> HttpResponse:
    scope, report = _readable_report(request, code, month)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    if service_saved(
        request,
        None,
        lambda: town_stay_report_reopen(
            actor=Actor.of(request.user), scope=scope, report=report, expected_version=version
        ),
    ):
        messages.success(request, f"已退回{report.cadre.name}的汇报，可重新修改后提交。")
    return redirect("fieldwork:town-stay-detail", code, month)


def _docx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def town_stay_docx_view(request: HttpRequest, code: str, month: str) -> HttpResponse:
    _, report = _readable_report(request, code, month)
    return _docx_response(town_stay_report_docx(report), f"town-stay-{report.cadre.code}-{month}.docx")


@login_required
@require_GET
def town_stay_month_docx_view(request: HttpRequest, month: str) -> HttpResponse:
    scope = _board_scope(request)
    first = _month_in_url(month)
    town_code = _town_filter(scope, request)
    reports = town_stay_month_reports(scope, first, town_code=town_code)
    expected = town_stay_board(scope, first, town_code=town_code).total
    return _docx_response(town_stay_month_docx(first, reports, expected=expected), f"town-stay-{month}.docx")


urlpatterns: list[URLPattern | URLResolver] = [
    path("fieldwork/town-stay/", town_stay_board_view, name="town-stay-board"),
    path("fieldwork/town-stay/mine/", town_stay_mine_view, name="town-stay-mine"),
    path("fieldwork/town-stay/mine/<str:month>/", town_stay_edit_view, name="town-stay-edit"),
    path("fieldwork/town-stay/<str:month>.docx", town_stay_month_docx_view, name="town-stay-month-docx"),
    path(
        "fieldwork/town-stay/reports/<str:code>/<str:month>/", town_stay_detail_view, name="town-stay-detail"
    ),
    path(
        "fieldwork/town-stay/reports/<str:code>/<str:month>.docx", town_stay_docx_view, name="town-stay-docx"
    ),
    path(
        "fieldwork/town-stay/reports/<str:code>/<str:month>/reopen/",
        town_stay_reopen_view,
        name="town-stay-reopen",
    ),
    *research.urlpatterns,
    *diary.urlpatterns,
]
