"""API endpoints of the training app; urlpatterns are mounted under /api/ by fupin.web.urls.

Trainings in the user's scope with their person-times, a cadre's sign-in from another app (the
QR code's token, as the phone page uses it), and an exam's results per unit, all with the same
scope as the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fupin.core.api import api_scope
from fupin.core.audit import Actor
from fupin.people.models import Cadre
from fupin.training.models import Training
from fupin.training.selectors.cadres import sees_coverage
from fupin.training.selectors.exams import exam_get, exam_results
from fupin.training.selectors.trainings import Period, training_list
from fupin.training.services.exams import attempts_close_expired
from fupin.training.services.trainings import attendance_sign_in


class TrainingOutput(serializers.ModelSerializer[Training]):
    organiser_code = serializers.CharField(source="organiser.code")
    organiser_name = serializers.CharField(source="organiser.name")
    kind_label = serializers.CharField(source="get_kind_display")
    person_times = serializers.IntegerField()

    class Meta:
        model = Training
        fields = [
            "code",
            "topic",
            "date",
            "place",
            "kind",
            "kind_label",
            "area_code",
            "organiser_code",
            "organiser_name",
            "person_times",
            "version",
        ]


class TrainingListApi(generics.ListAPIView[Training]):
    serializer_class = TrainingOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="年度，如 2019"),
            OpenApiParameter("month", int, description="月份 1–12，与 year 一起用"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Training]:
        params = self.request.query_params
        year, month = params.get("year", ""), params.get("month", "")
        period = None
        if year.isdigit():
            period = Period(int(year), int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
        return training_list(api_scope(self.request), period=period)


class SignInInput(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField(max_length=32)


class SignInApi(APIView):
    """The signed-in cadre signs in to a training with the token of its QR code."""

    @extend_schema(request=SignInInput, responses={201: None, 200: None})
    def post(self, request: Request, code: str) -> Response:
        scope = api_scope(request)
        if scope.cadre_id is None:
            raise exceptions.PermissionDenied("您的账号未关联干部")
        data = SignInInput(data=request.data)
        data.is_valid(raise_exception=True)
        training = Training.objects.filter(code=code).first()
        if training is None:
            raise exceptions.NotFound("没有该培训")
        created = attendance_sign_in(
            actor=Actor.of(request.user, source="api"),
            training=training,
            cadre=Cadre.objects.get(pk=scope.cadre_id),
            token=data.validated_data["token"],
        )
        return Response(
            {"training": training.code, "signed_in": True, "created": created},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ExamResultsApi(APIView):
    """An exam's results in the user's scope: totals and per unit (coverage, pass rate)."""

    def get(self, request: Request, code: str) -> Response:
        scope = api_scope(request)
        exam = exam_get(scope, code)
        if exam is None or not sees_coverage(scope):
            raise exceptions.NotFound("没有该考试，或不在您的范围内")
        attempts_close_expired(actor=Actor.system("考试自动交卷", source="api"))
        results = exam_results(scope, exam)

        def row(r: Any) -> dict[str, Any]:
            return {
                "label": r.label,
                "cadres": r.cadres,
                "examined": r.examined,
                "passed": r.passed,
                "attempts": r.attempts,
                "coverage": r.coverage,
                "pass_rate": r.pass_rate,
            }

        return Response(
            {
                "exam": exam.code,
                "title": exam.title,
                "pass_mark": exam.pass_mark,
                "total": row(results.total),
                "by_unit": [row(r) for r in results.by_unit],
            }
        )


urlpatterns: list[URLPattern] = [
    path("trainings/", TrainingListApi.as_view(), name="api-training-list"),
    path("trainings/<str:code>/sign-in/", SignInApi.as_view(), name="api-training-sign-in"),
    path("exams/<str:code>/results/", ExamResultsApi.as_view(), name="api-exam-results"),
]
