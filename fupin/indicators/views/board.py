"""The approval board of a data set for a period (who has submitted, who has approved), the
indicator report of an area for a year with its trend chart, and their Excel exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from fupin.areas.models import Area
from fupin.areas.selectors import area_ancestors
from fupin.core import areacode
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, staff_scope
from fupin.indicators.exports import data_set_xlsx, report_xlsx
from fupin.indicators.models import DataSet, PeriodType, Report, ValueKind
from fupin.indicators.selectors.report import indicator_report, period_choices, report_area, reporting_areas
from fupin.indicators.services import approval
from fupin.indicators.views.entry import form_url, latest_period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_VIEWER = "指标报表看板仅对县、乡镇两级账号开放"


def _viewer(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not (scope.is_area_wide or scope.is_everything):
        raise PermissionDenied(NOT_VIEWER)
    return scope


def _area(request: HttpRequest, scope: Scope) -> Area:
    area = report_area(scope, request.GET.get("area", ""))
    if area is None:
        if scope.is_everything:
            area = Area.objects.filter(level=areacode.COUNTY).order_by("code").first()
        if area is None:
            raise Http404("区划不存在或不在您的管辖范围内")
    return area


def _year_month(request: HttpRequest) -> tuple[int, int]:
    year, month = latest_period()
    year = int_or_none(request.GET.get("year")) or year
    month = int_or_none(request.GET.get("month")) or month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404("年度或月份无效")
    return year, month


@login_required
@require_GET
def approval_board(request: HttpRequest, code: str) -> HttpResponse:
    scope = _viewer(request)
    data_set = get_object_or_404(DataSet, code=code)
    area = _area(request, scope)
    year, month = _year_month(request)
    kind = ValueKind.PLAN if request.GET.get("kind") == ValueKind.PLAN else ValueKind.ACTUAL
    period = (
        0
        if kind == ValueKind.PLAN or data_set.period_type == PeriodType.YEAR
        else int_or_none(request.GET.get("period"))
    )
    if period is None:
        period = month if data_set.period_type == PeriodType.MONTH else max(1, month // 3)
    areas = reporting_areas(area, data_set.level)
    found = Report.objects.filter(
        data_set=data_set, kind=kind, year=year, period=period, area__code__in=list(areas)
    )
    reports = {r.area_code: r for r in found.select_related("data_set", "area", "submitted_by")}
    rows = []
    for code_, name in areas.items():
        report = reports.get(code_)
        # The approve button is hidden from the one who submitted (the service refuses them), and why.
        approvable = report is not None and approval.may_approve(scope, report)
        own = report is not None and approvable and approval.submitted_by_self(scope, request.user.pk, report)
        rows.append(
            {
                "code": code_,
                "name": name,
                "report": report,
                "url": form_url(data_set, report.area, kind, year, period) if report else None,
                "can_approve": approvable and not own,
                "own_report": own,
                "can_unapprove": report is not None and approval.may_unapprove(scope, report),
            }
        )
    # A retired data set is no longer expected: only the reports already made are counted.
    counts = {
        "expected": len(rows) if data_set.active else len(reports),
        "entered": len(reports),
        "submitted": sum(1 for r in reports.values() if r.status != "open"),
        "approved": sum(1 for r in reports.values() if r.status == "approved"),
    }
    context: dict[str, Any] = {
        "data_set": data_set,
        "area": area,
        "trail": area_ancestors(area),
        "year": year,
        "period": period,
        "kind": kind,
        "periods": period_choices(data_set.period_type),
        "rows": rows,
        "counts": counts,
        "next": request.get_full_path(),
        "own_report": approval.OWN_REPORT,
    }
    return render(request, "indicators/approvals.html", context)


@login_required
@require_GET
def report_view(request: HttpRequest) -> HttpResponse:
    scope = _viewer(request)
    area = _area(request, scope)
    year, month = _year_month(request)
    report = indicator_report(area, year, month)
    chart = {
        row.code: {
            "name": f"{row.name}（{row.unit}）" if row.unit else row.name,
            "this": [None if v is None else float(v) for v in row.trend],
            "last": [None if v is None else float(v) for v in row.trend_last_year],
        }
        for row in report.rows
    }
    missing = {
        row.code: missing_text(row.figure.missing, report.names, row.period_type) for row in report.rows
    }
    children = Area.objects.filter(parent=area).order_by("code") if area.level != areacode.VILLAGE else []
    context = {
        "report": report,
        "area": area,
        "trail": area_ancestors(area),
        "children": children,
        "year": year,
        "month": month,
        "months": range(1, 13),
        "chart": chart,
        "missing": missing,
        "labels": [f"{m}月" for m in range(1, month + 1)],
    }
    return render(request, "indicators/report.html", context)


def missing_text(
    missing: tuple[tuple[str, int], ...], names: dict[str, str], period_type: str, limit: int = 20
) -> str:
    """The missing periods as a reader wants them: 黄家坝村2月、石门沟村3月 … (the first `limit`)."""
    unit = {PeriodType.MONTH: "{}月", PeriodType.QUARTER: "第{}季度"}.get(PeriodType(period_type), "全年")
    shown = [f"{names.get(code, code)}{unit.format(period)}" for code, period in missing[:limit]]
    more = f" 等{len(missing)}期" if len(missing) > limit else ""
    return "、".join(shown) + more


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    scope = _viewer(request)
    area = _area(request, scope)
    year, month = _year_month(request)
    content = report_xlsx(indicator_report(area, year, month))
    return _attachment(content, f"{area.name}{year}年1-{month}月主要指标.xlsx")


@login_required
@require_GET
def data_set_export(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    data_set = get_object_or_404(DataSet, code=code)
    year = int_or_none(request.GET.get("year")) or latest_period()[0]
    content = data_set_xlsx(data_set, scope, year)
    return _attachment(content, f"{data_set.name}{year}年数据.xlsx")


urlpatterns: list[URLPattern] = [
    path("indicators/approvals/<str:code>/", approval_board, name="approvals"),
    path("indicators/report/", report_view, name="report"),
    path("indicators/report/export.xlsx", report_export, name="report-export"),
    path("indicators/data-sets/<str:code>/export.xlsx", data_set_export, name="data-set-export"),
]
