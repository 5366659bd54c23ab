"""Taking an exam on a phone: the cadre's open exams, the paper, each answer saved as it is given
(a JSON door the page's script calls, and calls again when the network returns), and 交卷."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import scope_of
from fupin.core.web import staff_scope
from fupin.people.models import Cadre
from fupin.training.models import Answer, Attempt, Exam, Question
from fupin.training.selectors.exams import attempt_paper, open_exams_for
from fupin.training.services.exams import GRACE, answer_save, attempt_start, attempt_submit
from fupin.training.views.common import own_cadre


@login_required
@require_GET
def exam_mine_view(request: HttpRequest) -> HttpResponse:
    cadre = own_cadre(staff_scope(request))
    attempts = Attempt.objects.filter(cadre=cadre).select_related("exam").order_by("-started_at")
    return render(
        request,
        "training/exam_mine.html",
        {"exams": open_exams_for(cadre), "attempts": attempts, "now": timezone.now()},
    )


@login_required
@require_POST
def exam_start_view(request: HttpRequest, code: str) -> HttpResponse:
    cadre = own_cadre(staff_scope(request))
    exam = Exam.objects.filter(code=code).first()
    if exam is None:
        raise Http404("没有该考试")
    try:
        attempt = attempt_start(actor=Actor.of(request.user), exam=exam, cadre=cadre)
    except ApplicationError as error:
        return render(
            request, "training/exam_refused.html", {"exam": exam, "error": error.message}, status=400
        )
    return redirect("training:attempt", exam.code, attempt.number)


def _own_attempt(cadre: Cadre, code: str, number: int) -> Attempt:
    attempt = (
        Attempt.objects.select_related("exam").filter(exam__code=code, number=number, cadre=cadre).first()
    )
    if attempt is None:
        raise Http404("没有该答卷")
    return attempt


@login_required
@require_GET
def attempt_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    cadre = own_cadre(staff_scope(request))
    attempt = _own_attempt(cadre, code, number)
    if attempt.is_scored or timezone.now() > attempt.deadline + GRACE:
        return redirect("training:attempt-result", code, number)
    saved = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "choice"))
    paper = [(i, q, saved.get(q.question_id, "")) for i, q in enumerate(attempt_paper(attempt), start=1)]
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "paper": paper,
        "now": timezone.now(),
        "answer_url": reverse("training:attempt-answer", args=[code, number]),
        "submit_url": reverse("training:attempt-submit", args=[code, number]),
        "result_url": reverse("training:attempt-result", args=[code, number]),
    }
    return render(request, "training/attempt.html", context)


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _json_cadre(request: HttpRequest) -> Cadre | JsonResponse:
    """The signed-in cadre, or the JSON answer a script can show (never a login page)."""
    if not request.user.is_authenticated:
        return _json_error("登录已过期，请重新登录后再交卷，答案仍保存在手机上", 401)
    scope = scope_of(request)
    if scope.is_public or scope.cadre_id is None:
        return _json_error("您的账号未关联干部", 403)
    return Cadre.objects.get(pk=scope.cadre_id)


@require_POST
def answer_view(request: HttpRequest, code: str, number: int) -> JsonResponse:
    """{"question": code, "choice": "AC", "answered_at": ISO} → the saved answer."""
    cadre = _json_cadre(request)
    if isinstance(cadre, JsonResponse):
        return cadre
    try:
        attempt = _own_attempt(cadre, code, number)
        body = json.loads(request.body or b"{}")
        question = Question.objects.filter(code=str(body.get("question", ""))).first()
        if question is None:
            return _json_error("题目不存在", 400)
        answered_at = parse_datetime(str(body.get("answered_at") or "")) or None
        if answered_at is not None and timezone.is_naive(answered_at):
            answered_at = timezone.make_aware(answered_at, dt.UTC)
        answer = answer_save(
            attempt=attempt,
            cadre=cadre,
            question_id=question.pk,
            choice=str(body.get("choice", "")),
            answered_at=answered_at,
        )
    except Http404:
        return _json_error("没有该答卷", 404)
    except (ValueError, TypeError):
        return _json_error("请求格式错误", 400)
    except ApplicationError as error:
        return _json_error(error.message, 409)
    return JsonResponse({"question": question.code, "choice": answer.choice, "saved": True})


@require_POST
def submit_view(request: HttpRequest, code: str, number: int) -> JsonResponse:
    cadre = _json_cadre(request)
    if isinstance(cadre, JsonResponse):
        return cadre
    try:
        attempt = _own_attempt(cadre, code, number)
        attempt = attempt_submit(actor=Actor.of(request.user), attempt=attempt, cadre=cadre)
    except Http404:
        return _json_error("没有该答卷", 404)
    except ApplicationError as error:
        return _json_error(error.message, 409)
    return JsonResponse(
        {
            "score": str(attempt.score),
            "passed": attempt.passed,
            "result_url": reverse("training:attempt-result", args=[code, number]),
        }
    )


@login_required
@require_GET
def attempt_result_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    cadre = own_cadre(staff_scope(request))
    attempt = _own_attempt(cadre, code, number)
    if not attempt.is_scored:
        if timezone.now() <= attempt.deadline + GRACE:
            return redirect("training:attempt", code, number)
        attempt = attempt_submit(actor=Actor.of(request.user), attempt=attempt, cadre=cadre)
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    paper = [(i, q, answers.get(q.question_id)) for i, q in enumerate(attempt_paper(attempt), start=1)]
    if attempt.cadre_id != cadre.pk:
        raise PermissionDenied
    return render(
        request, "training/attempt_result.html", {"attempt": attempt, "exam": attempt.exam, "paper": paper}
    )


urlpatterns = [
    path("exams/mine/", exam_mine_view, name="exam-mine"),
    path("exams/<str:code>/start/", exam_start_view, name="exam-start"),
    path("exams/<str:code>/attempt/<int:number>/", attempt_view, name="attempt"),
    path("exams/<str:code>/attempt/<int:number>/answer/", answer_view, name="attempt-answer"),
    path("exams/<str:code>/attempt/<int:number>/submit/", submit_view, name="attempt-submit"),
    path("exams/<str:code>/attempt/<int:number>/result/", attempt_result_view, name="attempt-result"),
]
