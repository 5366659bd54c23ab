"""Unit and cadre endpoints, with the same scope rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.core.api import api_scope
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.people.models import Cadre, CadreCategory, Unit, UnitKind
from fupin.people.selectors import cadre_list, unit_get, unit_list
from fupin.people.services import cadre_create, cadre_update


class UnitOutput(serializers.ModelSerializer[Unit]):
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)
    area_code = serializers.CharField(source="area.code", allow_null=True, default=None)
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "kind_label", "parent_code", "area_code", "version"]


class CadreOutput(serializers.ModelSerializer[Cadre]):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    categories = serializers.ListField(
        source="category_list", child=serializers.ChoiceField(CadreCategory.choices)
    )
    id_number = serializers.SerializerMethodField(help_text="无权查看完整号码时为脱敏号码")
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Cadre
        fields = [
            "code",
            "name",
            "id_number",
            "phone",
            "unit_code",
            "unit_name",
            "title",
            "categories",
            "version",
        ]

    def _full(self, cadre: Cadre) -> bool:
        scope: Scope = self.context["scope"]
        return scope.can_see_full_id_numbers or scope.cadre_id == cadre.pk

    def get_id_number(self, cadre: Cadre) -> str:
        return cadre.id_number if self._full(cadre) else cadre.masked_id_number

    def get_phone(self, cadre: Cadre) -> str:
        return cadre.phone if self._full(cadre) else cadre.masked_phone


class CadreCreateInput(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    unit_code = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    categories = serializers.ListField(child=serializers.ChoiceField(CadreCategory.choices), min_length=1)


class CadreUpdateInput(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(max_length=50, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    unit_code = serializers.CharField(max_length=32, required=False)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    categories = serializers.ListField(child=serializers.ChoiceField(CadreCategory.choices), required=False)
    version = serializers.IntegerField(help_text="读取时的版本号；他人已修改时返回409")


def _unit_in_scope(scope: Scope, code: str) -> Unit:
    unit = unit_get(scope, code)
    if unit is None:
        if Unit.objects.filter(code=code).exists():
            raise exceptions.PermissionDenied("您无权把干部安排到该单位")
        raise exceptions.ValidationError({"unit_code": "单位编码不存在"})
    return unit


@extend_schema(parameters=[OpenApiParameter("kind", enum=UnitKind.values), OpenApiParameter("q")])
class UnitListApi(generics.ListAPIView[Unit]):
    serializer_class = UnitOutput

    def get_queryset(self) -> QuerySet[Unit]:
        params = self.request.query_params
        scope = api_scope(self.request)
        return unit_list(scope, search=params.get("q", ""), kind=params.get("kind", "")).order_by("code")


class UnitDetailApi(generics.RetrieveAPIView[Unit]):
    serializer_class = UnitOutput
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Unit]:
        return unit_list(api_scope(self.request))


class _CadreScopeMixin(generics.GenericAPIView[Cadre]):
    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "scope": api_scope(self.request)}


@extend_schema(
    parameters=[
        OpenApiParameter("q"),
        OpenApiParameter("unit"),
        OpenApiParameter("category", enum=CadreCategory.values),
        OpenApiParameter("area", description="单位所在区划代码（含下级）"),
    ]
)
class CadreListApi(_CadreScopeMixin, generics.ListAPIView[Cadre]):
    serializer_class = CadreOutput

    def get_queryset(self) -> QuerySet[Cadre]:
        params = self.request.query_params
        return cadre_list(
            api_scope(self.request),
            search=params.get("q", ""),
            unit_code=params.get("unit", ""),
            category=params.get("category", ""),
            area_code=params.get("area", ""),
        ).order_by("code")

    @extend_schema(request=CadreCreateInput, responses={201: CadreOutput})
    def post(self, request: Request) -> Response:
        scope = api_scope(request)
        data = CadreCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        unit = _unit_in_scope(scope, fields.pop("unit_code"))
        cadre = cadre_create(actor=Actor.of(request.user, source="api"), scope=scope, unit=unit, **fields)
        return Response(CadreOutput(cadre, context={"scope": scope}).data, status=status.HTTP_201_CREATED)


class CadreDetailApi(_CadreScopeMixin, generics.RetrieveAPIView[Cadre]):
    serializer_class = CadreOutput
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Cadre]:
        return cadre_list(api_scope(self.request))

    @extend_schema(request=CadreUpdateInput, responses=CadreOutput)
    def patch(self, request: Request, code: str) -> Response:
        scope = api_scope(request)
        cadre = self.get_object()
        data = CadreUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        if "unit_code" in changes:
            changes["unit"] = _unit_in_scope(scope, changes.pop("unit_code"))
        cadre = cadre_update(
            actor=Actor.of(request.user, source="api"),
            scope=scope,
            cadre=cadre,
            expected_version=version,
            **changes,
        )
        return Response(CadreOutput(cadre, context={"scope": scope}).data)
