"""API endpoints of the reports app; urlpatterns are mounted under /api/ by fupin.web.urls."""

from __future__ import annotations

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.core.api import api_scope
from fupin.reports.figures import figures_area
from fupin.reports.selectors import FiguresPending, figures_for


class FiguresApi(APIView):
    """The figures document (docs/figures.md) of an area inside the user's scope, from the rollups;
    202 with Retry-After while they are first being built."""

    @extend_schema(
        parameters=[
            OpenApiParameter("area", description="12位区划代码，默认为本账号所属区划"),
            OpenApiParameter("month", description="YYYY-MM", required=True),
            OpenApiParameter("as_of", description="存量截止日期 YYYY-MM-DD，默认当月最后一天"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        scope = api_scope(request)
        if not scope.is_area_wide:
            raise exceptions.PermissionDenied("统计数据仅对县、乡镇两级账号开放")
        area = figures_area(scope, request.query_params.get("area"))
        if not scope.covers_code(area.code):
            raise exceptions.PermissionDenied("该区划不在您的管辖范围内")
        month = request.query_params.get("month", "")
        try:
            document = figures_for(area, month, request.query_params.get("as_of"))
        except FiguresPending as pending:
            # Production: the workers are building this county's rollups; ask again shortly.
            return Response({"detail": pending.message}, status=202, headers={"Retry-After": "5"})
        return Response(document)


urlpatterns: list[URLPattern] = [path("figures/", FiguresApi.as_view(), name="api-figures")]
