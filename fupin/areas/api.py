"""Area endpoints: list, detail, search (the picker), update for managers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import area_list, area_search
from fupin.areas.services import area_update
from fupin.core import areacode
from fupin.core.api import api_scope
from fupin.core.audit import Actor


class AreaOutput(serializers.ModelSerializer[Area]):
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)
    level_label = serializers.CharField(source="get_level_display")

    class Meta:
        model = Area
        fields = [
            "code",
            "name",
            "level",
            "level_label",
            "parent_code",
            "is_poor_village",
            "longitude",
            "latitude",
            "version",
        ]


class AreaUpdateInput(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(max_length=100, required=False)
    is_poor_village = serializers.BooleanField(required=False)
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        min_value=Decimal(-180),
        max_value=Decimal(180),
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        min_value=Decimal(-90),
        max_value=Decimal(90),
    )
    version = serializers.IntegerField(help_text="读取时的版本号；他人已修改时返回409")


@extend_schema(
    parameters=[
        OpenApiParameter("level", enum=AreaLevel.values),
        OpenApiParameter("parent", description="上级区划代码"),
        OpenApiParameter("inside", description="只列出该区划内（含自身）的区划"),
    ]
)
class AreaListApi(generics.ListAPIView[Area]):
    serializer_class = AreaOutput

    def get_queryset(self) -> QuerySet[Area]:
        qs = area_list(api_scope(self.request)).select_related("parent").order_by("code")
        params = self.request.query_params
        if params.get("level"):
            qs = qs.filter(level=params["level"])
        if params.get("parent"):
            qs = qs.filter(parent__code=params["parent"])
        if params.get("inside"):
            if not areacode.is_area_code(params["inside"]):
                raise exceptions.ValidationError({"inside": "区划代码应为12位数字"})
            qs = qs.filter(code__startswith=areacode.prefix_of(params["inside"]))
        return qs


class AreaDetailApi(generics.RetrieveAPIView[Area]):
    serializer_class = AreaOutput
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Area]:
        return area_list(api_scope(self.request)).select_related("parent")

    @extend_schema(request=AreaUpdateInput, responses=AreaOutput)
    def patch(self, request: Request, code: str) -> Response:
        scope = api_scope(request)
        area = self.get_object()
        if not scope.can_manage:
            raise exceptions.PermissionDenied("您无权修改行政区划")
        data = AreaUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        area = area_update(
            actor=Actor.of(request.user, source="api"), area=area, expected_version=version, **changes
        )
        return Response(AreaOutput(area).data)


class AreaSearchApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", required=True, description="名称、代码、拼音或首字母"),
            OpenApiParameter("level"),
        ],
        responses=AreaOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        results = area_search(
            api_scope(request), request.query_params.get("q", ""), level=request.query_params.get("level")
        )
        return Response(AreaOutput(results, many=True).data)
