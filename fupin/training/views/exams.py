"""Question bank and exam pages for the county office: exams, their results and the export."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import PAGE_SIZE, int_or_none, paginate, put_refusal_on_form, staff_scope
from fupin.training.exports import results_workbook
from fupin.training.forms import ExamEditForm, ExamForm, QuestionForm
from fupin.training.models import Exam, Question, QuestionKind
from fupin.training.selectors.cadres import may_run_exams_in, sees_coverage
from fupin.training.selectors.exams import (
    exam_get,
    exam_list,
    exam_results,
    question_categories,
    question_list,
    question_usage,
)
from fupin.training.services.exams import attempts_close_expired, exam_create, exam_update
from fupin.training.services.questions import question_create, question_set_active, question_update
from fupin.training.views.common import xlsx_response


@login_required
def question_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("题库由县扶贫办维护")
    category, kind = request.GET.get("category", ""), request.GET.get("kind", "")
    questions = question_list(category=category, kind=kind, search=request.GET.get("q", "").strip())
    page, query = paginate(request, questions)
    usage = question_usage([q.pk for q in page])
    for question in page:
        # (fixed papers, attempts) shown beside each question
        setattr(question, "used_in", usage[question.pk])  # noqa: B010
    context = {
        "page_obj": page,
        "query": query,
        "categories": question_categories(),
        "kinds": QuestionKind.choices,
        "category": category,
        "kind": kind,
    }
    return render(request, "training/question_list.html", context)


def _bank_keeper(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("题库由县扶贫办维护")
    return scope


@login_required
@require_http_methods(["GET", "POST"])
def question_form_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Add a question, or edit one (versioned: a page opened before someone else's edit is refused)."""
    scope = _bank_keeper(request)
    question = None
    if code is not None:
        question = Question.objects.filter(code=code).first()
        if question is None:
            raise Http404("题目不存在")
    data = request.POST if request.method == "POST" else None
    form = QuestionForm(data, question=question)
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            if question is None:
                question = question_create(actor=Actor.of(request.user), scope=scope, values=values)
            else:
                question = question_update(
                    actor=Actor.of(request.user),
                    scope=scope,
                    question=question,
                    expected_version=values.get("version") or 0,
                    values=values,
                )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, f"已保存题目 {question.code}")
            return redirect(f"{reverse('training:question-list')}?q={quote(question.code)}")
    usage = question_usage([question.pk])[question.pk] if question is not None else (0, 0)
    context = {"form": form, "question": question, "usage": usage}
    return render(request, "training/question_form.html", context, status=400 if data is not None else 200)


@login_required
@require_POST
def question_active_view(request: HttpRequest, code: str) -> HttpResponse:
    """Retire (停用) or reinstate a question; papers that have it keep it."""
    scope = _bank_keeper(request)
    question = Question.objects.filter(code=code).first()
    if question is None:
        raise Http404("题目不存在")
    active = request.POST.get("active") == "1"
    try:
        question_set_active(
            actor=Actor.of(request.user),
            scope=scope,
            question=question,
            expected_version=int_or_none(request.POST.get("version")) or 0,
            active=active,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        done = "已启用" if active else "已停用：不再用于新的考试和抽题，已有试卷不受影响"
        messages.success(request, f"题目 {question.code} {done}")
    return redirect(f"{reverse('training:question-list')}?q={quote(question.code)}")


@login_required
def exam_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    page, query = paginate(request, exam_list(scope))
    return render(
        request,
        "training/exam_list.html",
        {"page_obj": page, "query": query, "can_create": scope.can_manage, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def exam_create_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("考试由县扶贫办组织")
    form = ExamForm(request.POST or None, initial={"area": scope.root_area_code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exam = exam_create(
                actor=Actor.of(request.user),
                scope=scope,
                code=data["code"].strip(),
                title=data["title"],
                area=data["area"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                time_limit_minutes=data["time_limit_minutes"],
                pass_mark=data["pass_mark"],
                max_attempts=data["max_attempts"],
                paper_kind=data["paper_kind"],
                question_codes=data["question_codes"],
                draw_rule=data["draw_rule"],
            )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, "考试已创建")
            return redirect("training:exam-detail", exam.code)
    return render(request, "training/exam_form.html", {"form": form, "categories": question_categories()})


def _exam(request: HttpRequest, code: str) -> Exam:
    exam = exam_get(staff_scope(request), code)
    if exam is None:
        raise Http404("没有该考试，或不在您的范围内")
    return exam


@login_required
def exam_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    """An exam's rules and results: per unit (coverage, pass rate) and per cadre."""
    scope = staff_scope(request)
    exam = _exam(request, code)
    if not sees_coverage(scope):
        return redirect("training:exam-mine")
    # Attempts left open past their deadline are scored before anyone reads the results.
    attempts_close_expired(actor=Actor.system("考试自动交卷", source="web"))
    results = exam_results(scope, exam)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(results_workbook(exam, results), quote(f"{exam.title}成绩.xlsx"))
    page = Paginator(results.cadres, PAGE_SIZE).get_page(request.GET.get("page"))
    query = ""
    context = {
        "exam": exam,
        "results": results,
        "page_obj": page,
        "query": query,
        "may_edit": may_run_exams_in(scope, exam.area_code),
    }
    return render(request, "training/exam_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def exam_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    exam = _exam(request, code)
    if not may_run_exams_in(scope, exam.area_code):
        raise PermissionDenied("您无权修改该考试")
    initial = {
        "title": exam.title,
        "closes_at": timezone.localtime(exam.closes_at),
        "max_attempts": exam.max_attempts,
        "version": exam.version,
    }
    form = ExamEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exam_update(
                actor=Actor.of(request.user),
                scope=scope,
                exam=exam,
                version=data["version"],
                title=data["title"],
                closes_at=data["closes_at"],
                max_attempts=data["max_attempts"],
            )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, "考试已修改")
            return redirect("training:exam-detail", exam.code)
    return render(request, "training/exam_edit.html", {"form": form, "exam": exam})


urlpatterns = [
    path("questions/", question_list_view, name="question-list"),
    path("questions/new/", question_form_view, name="question-create"),
    path("questions/<str:code>/edit/", question_form_view, name="question-edit"),
    path("questions/<str:code>/active/", question_active_view, name="question-active"),
    path("exams/", exam_list_view, name="exam-list"),
    path("exams/new/", exam_create_view, name="exam-create"),
    path("exams/<str:code>/", exam_detail_view, name="exam-detail"),
    path("exams/<str:code>/edit/", exam_edit_view, name="exam-edit"),
]
