"""The 驾驶舱 of an area and month for county and town accounts, and its tables in Excel.

Both read figures only through fupin.reports.selectors; while the rollups are being built the page
says so and reloads itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import area_ancestors
from fupin.core import areacode
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import staff_scope
from fupin.reports import dashboard as dash
from fupin.reports.exports import table_xlsx
from fupin.reports.figures import parse_month
from fupin.reports.selectors import (
    FiguresPending,
    figures_for,
    figures_of_areas,
    figures_of_children,
    figures_trend,
)

NOT_VIEWER = "驾驶舱仅对县、乡镇两级账号开放"
OUTSIDE_SCOPE = "该区划不在您的管辖范围内"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_RETRY_SECONDS = 5
EXPORT_TABLES = ("figures", "children", "trend", "quota", "categories")
FIRST_YEAR = 1900


@dataclass(frozen=True)
class DashboardQuery:
    """What a dashboard request asks for, checked against the user's scope."""

    scope: Scope
    area: Area
    month: str


def _viewer_scope(request: HttpRequest) -> Scope:
    """Area-wide accounts only, as the figures API."""
    scope = staff_scope(request)
    if not scope.is_area_wide:
        raise PermissionDenied(NOT_VIEWER)
    return scope


def _default_area_code(scope: Scope) -> str:
    if scope.root_area_code:
        return scope.root_area_code
    # A platform administrator has no area of their own: the first county.
    county = Area.objects.filter(level=AreaLevel.COUNTY).order_by("code").values_list("code", flat=True)
    return county.first() or ""


def _area(scope: Scope, code: str) -> Area:
    code = code.strip() or _default_area_code(scope)
    if not areacode.is_area_code(code):
        raise Http404("区划代码应为12位数字")
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404("区划不存在")
    if not scope.covers_code(area.code):
        raise PermissionDenied(OUTSIDE_SCOPE)
    return area


def _dashboard_query(request: HttpRequest) -> DashboardQuery:
    scope = _viewer_scope(request)
    area = _area(scope, request.GET.get("area", ""))
    month = request.GET.get("month", "").strip() or dash.default_month(area)
    year, number = parse_month(month)
    if year < FIRST_YEAR:
        # The trend reaches 11 months further back; dates before year 1 do not exist.
        raise ApplicationError(f"月份“{month}”超出范围", field_errors={"month": "超出范围"})
    return DashboardQuery(scope, area, f"{year:04d}-{number:02d}")


def _picker_root(scope: Scope, area: Area) -> Area:
    root_code = scope.root_area_code or areacode.county_code_of(area.code)
    if root_code == area.code:
        return area
    return Area.objects.filter(code=root_code).first() or area


def briefing_url(area: Area, month: str) -> str | None:
    """The 工作简报 download, once that page exists."""
    try:
        base = reverse("briefing-download")
    except NoReverseMatch:
        return None
    return f"{base}?{urlencode({'area': area.code, 'month': month, 'format': 'docx'})}"


def _export_urls(area: Area, month: str) -> dict[str, str]:
    base = reverse("dashboard-export")
    return {
        table: f"{base}?{urlencode({'area': area.code, 'month': month, 'table': table})}"
        for table in EXPORT_TABLES
    }


def _page_context(asked: DashboardQuery) -> dict[str, Any]:
    area, month = asked.area, asked.month
    trend = figures_trend(area, month)
    # The trend ends with the month itself: its last document is figures_for(area, month).
    document = trend[-1]
    children = figures_of_children(area, month)
    villages = dash.village_documents(area, children, lambda located: figures_of_areas(located, month))
    charts = {
        "trend": dash.trend_chart(trend),
        "children": dash.children_chart(month, children),
        "status": dash.status_chart(document),
        "causes": dash.causes_chart(document),
        "rectification": dash.rectification_chart(document),
        "compliance": dash.compliance_chart(document),
        "map": dash.map_chart(month, villages),
    }
    return {
        "area": area,
        "month": month,
        "document": document,
        "trail": [
            (a, dash.dashboard_url(a.code, month))
            for a in area_ancestors(area)
            if asked.scope.covers_code(a.code)
        ],
        "picker": dash.picker_options(_picker_root(asked.scope, area)),
        "cards": dash.figures_of(document, dash.KEY_FIGURES),
        "children_table": dash.children_table(area, month, children) if children else None,
        "trend_table": dash.trend_table(area, trend),
        "quota_table": dash.quota_table(document),
        "categories_table": dash.categories_table(document),
        "charts": charts,
        "exports": _export_urls(area, month),
        "briefing_url": briefing_url(area, month),
        "level": dash.children_level(area),
    }


@login_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    try:
        asked = _dashboard_query(request)
        context = _page_context(asked)
    except FiguresPending:
        pending = render(request, "reports/dashboard_pending.html", {"retry_seconds": PENDING_RETRY_SECONDS})
        pending["Retry-After"] = str(PENDING_RETRY_SECONDS)
        return pending
    except ApplicationError as error:
        return HttpResponseBadRequest(error.message)
    return render(request, "reports/dashboard.html", context)


def _export_table(asked: DashboardQuery, name: str) -> dash.Table:
    area, month = asked.area, asked.month
    if name == "children":
        return dash.children_table(area, month, figures_of_children(area, month))
    if name == "trend":
        return dash.trend_table(area, figures_trend(area, month))
    of_document = {
        "figures": dash.key_figures_table,
        "quota": dash.quota_table,
        "categories": dash.categories_table,
    }
    if name not in of_document:
        raise Http404("没有这张表")
    return of_document[name](figures_for(area, month))


@login_required
@require_GET
def dashboard_export_view(request: HttpRequest) -> HttpResponse:
    try:
        asked = _dashboard_query(request)
        table = _export_table(asked, request.GET.get("table", ""))
    except FiguresPending:
        return HttpResponse(
            "统计数据生成中，请稍候再下载",
            status=503,
            headers={"Retry-After": str(PENDING_RETRY_SECONDS)},
            content_type="text/plain; charset=utf-8",
        )
    except ApplicationError as error:
        return HttpResponseBadRequest(error.message)
    filename = f"驾驶舱-{table.title}-{asked.area.name}-{asked.month}.xlsx"
    response = HttpResponse(table_xlsx(asked.area, asked.month, table), content_type=XLSX)
    ascii_name = filename.encode("ascii", "ignore").decode() or "dashboard.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
