"""API endpoints of the industry app; urlpatterns are mounted under /api/ by fupin.web.urls.

The frozen solar payouts of a year (the publicity list as data, ID numbers and phones masked) and
the villages' distribution plans, both scoped like the pages.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from fupin.core.api import api_scope
from fupin.core.web import int_or_none
from fupin.industry.models import SolarDistribution, SolarPayout
from fupin.industry.selectors.solar import distribution_list, publicity_rows

YEAR = OpenApiParameter("year", int, description="年度，默认今年")


class PayoutOutput(serializers.ModelSerializer[SolarPayout]):
    year = serializers.IntegerField(source="distribution.year")
    use = serializers.CharField(source="get_use_display")

    class Meta:
        model = SolarPayout
        fields = [
            "year",
            "village_code",
            "village_name",
            "household_code",
            "head_name",
            "head_id_masked",
            "phone_masked",
            "use",
            "post",
            "weight",
            "amount_fen",
        ]


class DistributionOutput(serializers.ModelSerializer[SolarDistribution]):
    village_name = serializers.CharField(source="village.name")
    status = serializers.CharField(source="get_status_display")

    class Meta:
        model = SolarDistribution
        fields = ["area_code", "village_name", "year", "reference_date", "total_fen", "status", "approved_on"]


@extend_schema(parameters=[YEAR, OpenApiParameter("village", str, description="村区划代码")])
class SolarPayoutListApi(generics.ListAPIView[SolarPayout]):
    """已定稿的光伏收益到户明细（定稿时快照，身份证号和电话已脱敏）。"""

    serializer_class = PayoutOutput

    def get_queryset(self) -> QuerySet[SolarPayout]:
        year = int_or_none(self.request.query_params.get("year")) or timezone.localdate().year
        village = (self.request.query_params.get("village") or "").strip()
        return publicity_rows(api_scope(self.request), year, village).select_related("distribution")


@extend_schema(parameters=[YEAR])
class SolarDistributionListApi(generics.ListAPIView[SolarDistribution]):
    """各村光伏收益分配方案。"""

    serializer_class = DistributionOutput

    def get_queryset(self) -> QuerySet[SolarDistribution]:
        year = int_or_none(self.request.query_params.get("year")) or timezone.localdate().year
        return distribution_list(api_scope(self.request), year=year)


urlpatterns: list[URLPattern] = [
    path("solar/payouts/", SolarPayoutListApi.as_view(), name="api-solar-payouts"),
    path("solar/distributions/", SolarDistributionListApi.as_view(), name="api-solar-distributions"),
]
