"""API endpoints of the indicators app, mounted under /api/ by fupin.web.urls: the indicator report
of an area (the same rows as the page and the Excel export) and the key projects with their totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.core.api import api_scope
from fupin.core.web import int_or_none
from fupin.indicators.figures import RATIO_PLACES, number
from fupin.indicators.selectors.projects import project_list, project_totals
from fupin.indicators.selectors.report import indicator_report, report_area

PERIOD = [
    OpenApiParameter("year", int, description="年度", required=True),
    OpenApiParameter("month", int, description="截至月份 1–12", required=True),
]


def _year_month(request: Request) -> tuple[int, int]:
    year = int_or_none(request.query_params.get("year"))
    month = int_or_none(request.query_params.get("month"))
    if year is None or month is None or not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise exceptions.ValidationError({"year": "请指定年度和月份（1–12）"})
    return year, month


def _ratio(value: Decimal | None) -> float | None:
    return number(value, RATIO_PLACES)


class IndicatorReportApi(APIView):
    """Each indicator's year-to-date value, plan, completion, growth and missing periods."""

    @extend_schema(
        parameters=[OpenApiParameter("area", description="12位区划代码"), *PERIOD],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        scope = api_scope(request)
        if not (scope.is_area_wide or scope.is_everything):
            raise exceptions.PermissionDenied("指标数据仅对县、乡镇两级账号开放")
        area = report_area(scope, request.query_params.get("area", ""))
        if area is None:
            raise exceptions.NotFound("区划不存在或不在您的管辖范围内")
        year, month = _year_month(request)
        report = indicator_report(area, year, month)
        rows: list[dict[str, Any]] = [
            {
                "code": row.code,
                "name": row.name,
                "unit": row.unit,
                "ytd": number(row.figure.value, row.decimals),
                "plan": number(row.plan, row.decimals),
                "completion": _ratio(row.completion),
                "last_year_ytd": number(row.last_year.value, row.decimals),
                "growth": _ratio(row.growth),
                "missing": [{"area": code, "period": period} for code, period in row.figure.missing],
                "trend": [number(v, row.decimals) for v in row.trend],
            }
            for row in report.rows
        ]
        return Response({"area": area.code, "year": year, "month": month, "indicators": rows})


class ProjectListApi(APIView):
    """The key projects the user may see, with completed investment against the year's plan."""

    @extend_schema(parameters=PERIOD, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        scope = api_scope(request)
        year, month = _year_month(request)
        totals = project_totals(project_list(scope), year, month)
        projects = [
            {
                "code": line.project.code,
                "name": line.project.name,
                "industry": line.project.get_industry_display(),
                "owner_unit": line.project.owner_unit.code,
                "area": line.project.area_code,
                "planned_investment": number(line.plan, 2),
                "completed_investment": number(line.completed, 2),
                "completion": _ratio(line.completion),
                "missing_months": line.missing_months,
            }
            for line in totals.lines
        ]
        return Response(
            {
                "year": year,
                "month": month,
                "planned_investment": number(totals.planned, 2),
                "completed_investment": number(totals.completed, 2),
                "completion": _ratio(totals.completion),
                "projects": projects,
            }
        )


urlpatterns: list[URLPattern] = [
    path("indicators/report/", IndicatorReportApi.as_view(), name="api-indicator-report"),
    path("projects/", ProjectListApi.as_view(), name="api-project-list"),
]
