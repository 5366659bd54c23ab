"""Household endpoints, with the same scope rules as the pages; urlpatterns are mounted under /api/."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from fupin.areas.selectors import area_get
from fupin.core.api import api_scope
from fupin.core.scope import Scope
from fupin.registry.models import Household, HouseholdCategory, Member, PovertyCause, PovertyStatus
from fupin.registry.selectors import household_list


class _ScopedSerializer(serializers.ModelSerializer[Any]):
    def _full(self) -> bool:
        scope: Scope = self.context["scope"]
        return scope.can_see_full_id_numbers


class MemberOutput(_ScopedSerializer):
    id_number = serializers.SerializerMethodField(help_text="无权查看完整号码时为脱敏号码")
    relation_label = serializers.CharField(source="get_relation_display")

    class Meta:
        model = Member
        fields = [
            "name",
            "id_number",
            "relation",
            "relation_label",
            "sex",
            "ethnicity",
            "education",
            "schooling",
            "health",
            "labour",
            "migrant_work",
            "months_worked",
        ]

    def get_id_number(self, member: Member) -> str:
        return member.id_number if self._full() else member.masked_id_number


class HouseholdOutput(_ScopedSerializer):
    village_name = serializers.CharField(source="village.name")
    head_id_number = serializers.SerializerMethodField(help_text="无权查看完整号码时为脱敏号码")
    phone = serializers.SerializerMethodField()
    poverty_status_label = serializers.CharField(source="get_poverty_status_display")
    other_causes = serializers.ListField(source="other_cause_list", child=serializers.CharField())

    class Meta:
        model = Household
        fields = [
            "code",
            "area_code",
            "village_name",
            "head_name",
            "head_id_number",
            "phone",
            "size",
            "identification_standard",
            "category",
            "main_cause",
            "other_causes",
            "poverty_status",
            "poverty_status_label",
            "registered_year",
            "exit_year",
            "relapse_year",
            "net_income_per_capita",
            "food_clothing_secure",
            "housing_secure",
            "water_secure",
            "schooling_secure",
            "medical_secure",
            "version",
        ]

    def get_head_id_number(self, household: Household) -> str:
        return household.head_id_number if self._full() else household.masked_head_id_number

    def get_phone(self, household: Household) -> str:
        return household.phone if self._full() else household.masked_phone


class HouseholdDetailOutput(HouseholdOutput):
    members = MemberOutput(many=True, read_only=True)

    class Meta(HouseholdOutput.Meta):
        fields = [*HouseholdOutput.Meta.fields, "members"]


class _ScopeMixin(generics.GenericAPIView[Household]):
    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "scope": api_scope(self.request)}


@extend_schema(
    parameters=[
        OpenApiParameter("q", description="户主或成员姓名（汉字或拼音）、户编号"),
        OpenApiParameter("area", description="区划代码（含下级）"),
        OpenApiParameter("status", enum=PovertyStatus.values),
        OpenApiParameter("cause", enum=PovertyCause.values, description="主要或其他致贫原因"),
        OpenApiParameter("category", enum=HouseholdCategory.values),
    ]
)
class HouseholdListApi(_ScopeMixin, generics.ListAPIView[Household]):
    serializer_class = HouseholdOutput

    def get_queryset(self) -> QuerySet[Household]:
        scope = api_scope(self.request)
        params = self.request.query_params
        area_code = params.get("area", "").strip()
        return (
            household_list(
                scope,
                # An area outside the scope is ignored: the scope already bounds the rows.
                area_code=area_code if area_code and area_get(scope, area_code) else "",
                status=params.get("status", ""),
                cause=params.get("cause", ""),
                category=params.get("category", ""),
                search=params.get("q", ""),
            )
            .select_related("village")
            .order_by("code")
        )


class HouseholdDetailApi(_ScopeMixin, generics.RetrieveAPIView[Household]):
    serializer_class = HouseholdDetailOutput
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Household]:
        return (
            household_list(api_scope(self.request))
            .select_related("village")
            .prefetch_related(Prefetch("members", queryset=Member.objects.order_by("id")))
        )


urlpatterns: list[URLPattern] = [
    path("households/", HouseholdListApi.as_view(), name="api-household-list"),
    path("households/<str:code>/", HouseholdDetailApi.as_view(), name="api-household-detail"),
]
