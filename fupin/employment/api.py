"""API endpoints of the employment app, mounted under /api/ by fupin.web.urls: the county's job
postings and, for one posting, the ranked laborers of the caller's area (ID numbers masked)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.core import idnumber
from fupin.core.api import api_scope
from fupin.employment.models import JobPosting
from fupin.employment.selectors.laborers import posting_list
from fupin.employment.selectors.matching import posting_candidates


class PostingOutput(serializers.ModelSerializer[JobPosting]):
    work_type_label = serializers.CharField(source="get_work_type_display")
    region_label = serializers.CharField(source="get_region_display")
    placed = serializers.IntegerField()

    class Meta:
        model = JobPosting
        fields = [
            "code",
            "employer",
            "title",
            "work_type",
            "work_type_label",
            "skill_required",
            "region",
            "region_label",
            "area_code",
            "place",
            "monthly_wage",
            "positions",
            "placed",
            "start_date",
            "end_date",
            "min_age",
            "max_age",
            "requirements",
        ]


class CandidateOutput(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="打星号的身份证号")
    area_code = serializers.CharField()
    poor = serializers.BooleanField()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class PostingListApi(generics.ListAPIView[JobPosting]):
    serializer_class = PostingOutput

    def get_queryset(self) -> QuerySet[JobPosting]:
        return posting_list(api_scope(self.request))


class PostingCandidatesApi(APIView):
    @extend_schema(responses={200: CandidateOutput(many=True)})
    def get(self, request: Request, code: str) -> Response:
        scope = api_scope(request)
        posting = posting_list(scope).filter(code=code).first()
        if posting is None:
            raise Http404
        rows = [
            {
                "name": m.candidate.name,
                "id_number": idnumber.mask(m.candidate.id_number),
                "area_code": m.candidate.area_code,
                "poor": m.candidate.poor,
                "score": m.score,
                "reasons": list(m.reasons),
            }
            for m in posting_candidates(scope, posting)
        ]
        # Built from plain values already: the serializer documents them, nothing to convert.
        return Response(rows)


urlpatterns: list[URLPattern] = [
    path("employment/postings/", PostingListApi.as_view(), name="api-posting-list"),
    path(
        "employment/postings/<str:code>/candidates/",
        PostingCandidatesApi.as_view(),
        name="api-posting-candidates",
    ),
]
