"""API endpoints of the duty app; urlpatterns are mounted under /api/ by fupin.web.urls.

Pairings and work teams in the user's scope (read), and new pairings for those who assign.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.core.api import api_scope
from fupin.core.audit import Actor
from fupin.duty.models import Pairing, TeamRole, WorkTeamMember
from fupin.duty.selectors import assignable_cadre, pairing_list, work_team_list
from fupin.duty.services.assignments import may_manage_assignments, pairing_create
from fupin.registry.selectors import household_get


class PairingOutput(serializers.ModelSerializer[Pairing]):
    cadre_code = serializers.CharField(source="cadre.code")
    cadre_name = serializers.CharField(source="cadre.name")
    unit_name = serializers.CharField(source="cadre.unit.name")
    household_code = serializers.CharField(source="household.code")
    head_name = serializers.CharField(source="household.head_name")
    village_code = serializers.CharField(source="household.area_code")

    class Meta:
        model = Pairing
        fields = [
            "cadre_code",
            "cadre_name",
            "unit_name",
            "household_code",
            "head_name",
            "village_code",
            "start_date",
            "end_date",
            "version",
        ]


class PairingCreateInput(serializers.Serializer[dict[str, Any]]):
    cadre_code = serializers.CharField(max_length=32)
    household_code = serializers.CharField(max_length=32)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)


class WorkTeamOutput(serializers.ModelSerializer[WorkTeamMember]):
    village_code = serializers.CharField(source="village.code")
    village_name = serializers.CharField(source="village.name")
    cadre_code = serializers.CharField(source="cadre.code")
    cadre_name = serializers.CharField(source="cadre.name")
    role = serializers.ChoiceField(TeamRole.choices)
    role_label = serializers.CharField(source="get_role_display")
    sending_unit_code = serializers.CharField(source="sending_unit.code")

    class Meta:
        model = WorkTeamMember
        fields = [
            "village_code",
            "village_name",
            "cadre_code",
            "cadre_name",
            "role",
            "role_label",
            "sending_unit_code",
            "start_date",
            "end_date",
            "version",
        ]


def _active_on(request: Request) -> dt.date | None:
    raw = request.query_params.get("active_on", "")
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise exceptions.ValidationError({"active_on": "日期格式应为 YYYY-MM-DD"}) from None


ACTIVE_ON = OpenApiParameter("active_on", description="只列出该日在帮/在岗的（YYYY-MM-DD）；不填则含历史")


@extend_schema(
    parameters=[
        ACTIVE_ON,
        OpenApiParameter("area", description="户所在区划代码（含下级）"),
        OpenApiParameter("cadre"),
        OpenApiParameter("household"),
    ]
)
class PairingListApi(generics.ListAPIView[Pairing]):
    serializer_class = PairingOutput

    def get_queryset(self) -> QuerySet[Pairing]:
        params = self.request.query_params
        return pairing_list(
            api_scope(self.request),
            as_of=_active_on(self.request),
            area_code=params.get("area", ""),
            cadre_code=params.get("cadre", ""),
            household_code=params.get("household", ""),
        )

    @extend_schema(request=PairingCreateInput, responses={201: PairingOutput})
    def post(self, request: Request) -> Response:
        scope = api_scope(request)
        if not may_manage_assignments(scope):
            raise exceptions.PermissionDenied("只有县扶贫办和乡镇可以安排帮扶责任")
        data = PairingCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        cadre = assignable_cadre(fields["cadre_code"])
        household = household_get(scope, fields["household_code"])
        errors = {}
        if cadre is None:
            errors["cadre_code"] = "干部编号不存在"
        if household is None:
            errors["household_code"] = "户编号不存在或不在您的管辖范围内"
        if errors or cadre is None or household is None:
            raise exceptions.ValidationError(errors)
        pairing = pairing_create(
            actor=Actor.of(request.user, source="api"),
            scope=scope,
            cadre=cadre,
            household=household,
            start_date=fields["start_date"],
            end_date=fields["end_date"],
        )
        return Response(PairingOutput(pairing).data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[
        ACTIVE_ON,
        OpenApiParameter("area", description="村区划代码（含下级）"),
        OpenApiParameter("cadre"),
    ]
)
class WorkTeamListApi(generics.ListAPIView[WorkTeamMember]):
    serializer_class = WorkTeamOutput

    def get_queryset(self) -> QuerySet[WorkTeamMember]:
        params = self.request.query_params
        return work_team_list(
            api_scope(self.request),
            as_of=_active_on(self.request),
            area_code=params.get("area", ""),
            cadre_code=params.get("cadre", ""),
        )


urlpatterns: list[URLPattern] = [
    path("pairings/", PairingListApi.as_view(), name="api-pairing-list"),
    path("work-teams/", WorkTeamListApi.as_view(), name="api-work-team-list"),
]
