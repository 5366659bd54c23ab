"""Training pages: the list, a session with its attendance and QR sign-in, coverage and its export."""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.web import paginate, put_refusal_on_form, staff_scope
from fupin.training.exports import coverage_workbook
from fupin.training.forms import MarkForm, TrainingForm
from fupin.training.models import Attendance, Training
from fupin.training.selectors.cadres import may_run_trainings_in, sees_coverage
from fupin.training.selectors.trainings import attendance_list, coverage, training_get, training_list
from fupin.training.services.trainings import (
    attendance_remove,
    attendance_sign_in,
    attendances_mark,
    training_create,
    training_update,
)
from fupin.training.views.common import own_cadre, period_of, xlsx_response


@login_required
def training_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    period = period_of(request)
    trainings = training_list(scope, period=period, search=request.GET.get("q", "").strip())
    page, query = paginate(request, trainings)
    can_create = scope.can_manage or may_run_trainings_in(scope, scope.root_area_code or "")
    return render(
        request,
        "training/training_list.html",
        {
            "page_obj": page,
            "query": query,
            "period": period,
            "can_create": can_create,
            "months": range(1, 13),
        },
    )


def _fields(form: TrainingForm) -> dict[str, object]:
    data = form.cleaned_data
    return {
        "topic": data["topic"],
        "day": data["date"],
        "place": data["place"],
        "organiser": data["organiser"],
        "kind": data["kind"],
        "area": data["area"],
        "notes": data["notes"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def training_create_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    initial = {"area": scope.root_area_code, "date": timezone.localdate()}
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training = training_create(actor=Actor.of(request.user), scope=scope, **_fields(form))  # type: ignore[arg-type]
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, "培训已登记")
            return redirect("training:training-detail", training.code)
    return render(request, "training/training_form.html", {"form": form, "training": None})


def _visible(request: HttpRequest, code: str) -> Training:
    training = training_get(staff_scope(request), code)
    if training is None:
        raise Http404("没有该培训，或不在您的范围内")
    return training


@login_required
@require_http_methods(["GET", "POST"])
def training_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    training = _visible(request, code)
    if not may_run_trainings_in(scope, training.area_code):
        raise PermissionDenied("您无权修改该培训")
    initial = {
        "topic": training.topic,
        "date": training.date,
        "place": training.place,
        "organiser": training.organiser.code,
        "kind": training.kind,
        "area": training.area_code,
        "notes": training.notes,
        "version": training.version,
    }
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training_update(
                actor=Actor.of(request.user),
                scope=scope,
                training=training,
                version=form.cleaned_data["version"] or 0,
                **_fields(form),  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, "培训已修改")
            return redirect("training:training-detail", training.code)
    return render(request, "training/training_form.html", {"form": form, "training": training})


def sign_in_url(request: HttpRequest, training: Training) -> str:
    return request.build_absolute_uri(
        reverse("training:sign-in", args=[training.code, training.sign_in_token])
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    training = _visible(request, code)
    may_run = may_run_trainings_in(scope, training.area_code)
    form = MarkForm(request.POST or None)
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied("您无权登记该培训的签到")
        if form.is_valid():
            try:
                added = attendances_mark(
                    actor=Actor.of(request.user), scope=scope, training=training, cadre_codes=form.codes()
                )
            except ApplicationError as error:
                put_refusal_on_form(form, error)
            else:
                messages.success(request, f"已登记签到 {added} 人")
                return redirect("training:training-detail", training.code)
    context = {
        "training": training,
        "attendances": attendance_list(training),
        "may_run": may_run,
        "form": form,
        "qr_svg": segno.make(sign_in_url(request, training), error="m").svg_inline(scale=4)
        if may_run
        else "",
        "sign_in_url": sign_in_url(request, training) if may_run else "",
    }
    return render(request, "training/training_detail.html", context)


@login_required
@require_POST
def attendance_remove_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    training = _visible(request, code)
    attendance = get_object_or_404(Attendance, pk=pk, training=training)
    try:
        attendance_remove(actor=Actor.of(request.user), scope=scope, attendance=attendance)
    except ApplicationError as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, "已删除该签到")
    return redirect("training:training-detail", training.code)


@login_required
@require_http_methods(["GET", "POST"])
def sign_in_view(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The page the session's QR code opens on a cadre's phone: one button, 签到."""
    scope = staff_scope(request)
    cadre = own_cadre(scope)
    training = Training.objects.filter(code=code).select_related("organiser").first()
    if training is None:
        raise Http404("没有该培训")
    signed = training.attendances.filter(cadre=cadre).exists()
    error = ""
    if request.method == "POST":
        try:
            attendance_sign_in(actor=Actor.of(request.user), training=training, cadre=cadre, token=token)
        except ApplicationError as refusal:
            error = refusal.message
        else:
            signed = True
    return render(
        request,
        "training/sign_in.html",
        {"training": training, "cadre": cadre, "signed": signed, "error": error},
        status=400 if error else 200,
    )


@login_required
def coverage_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    if not sees_coverage(scope):
        raise PermissionDenied("培训覆盖情况供县、镇和单位查看")
    period = period_of(request)
    data = coverage(scope, period)
    area = Area.objects.filter(code=scope.root_area_code or "").first()
    if request.GET.get("format") == "xlsx":
        name = quote(f"培训覆盖情况{period.label}.xlsx")
        return xlsx_response(coverage_workbook(area.name if area else "", data), name)
    return render(request, "training/coverage.html", {"data": data, "period": period})


urlpatterns = [
    path("training/", training_list_view, name="training-list"),
    path("training/new/", training_create_view, name="training-create"),
    path("training/coverage/", coverage_view, name="coverage"),
    path("training/<str:code>/", training_detail_view, name="training-detail"),
    path("training/<str:code>/edit/", training_edit_view, name="training-edit"),
    path("training/<str:code>/attendance/<int:pk>/remove/", attendance_remove_view, name="attendance-remove"),
    path("training/<str:code>/sign-in/<str:token>/", sign_in_view, name="sign-in"),
]
