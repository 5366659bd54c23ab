"""Pages of rectification: self-inspection checklists (自查清单, like the seed's "18个是否") — the
county's managers set them up, cadres answer them, and each "no" lands on the cadre's own list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, staff_scope
from fupin.people.models import Cadre
from fupin.rectification.forms import ChecklistForm, QuestionForm
from fupin.rectification.models import Checklist, ChecklistQuestion, ChecklistResponse, ProblemCategory
from fupin.rectification.selectors.problems import categories_of
from fupin.rectification.services.checklists import (
    Answer,
    checklist_answer,
    checklist_create,
    checklist_ensure_default,
    checklist_update,
    may_answer,
    may_configure_checklists,
    question_add,
    question_delete,
    question_move,
    question_update,
)
from fupin.rectification.views.problems.common import county_of_scope, refusal_status


def _county(request: HttpRequest, scope: Scope) -> Area | None:
    county = county_of_scope(request, scope)
    if county is None and scope.cadre_id is not None:
        cadre = Cadre.objects.select_related("unit__area").get(pk=scope.cadre_id)
        if cadre.unit.area is not None:
            code = areacode.county_code_of(cadre.unit.area.code)
            county = Area.objects.filter(code=code).first()
    return county


@login_required
@require_http_methods(["GET", "POST"])
def checklist_list_view(request: HttpRequest) -> HttpResponse:
    """The county's checklists: managers add one (or the default "18个是否"), cadres answer."""
    scope = staff_scope(request)
    county = _county(request, scope)
    if county is None:
        raise Http404
    manage = may_configure_checklists(scope, county)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("只有县级管理员和扶贫办可以设置自查清单")
        return _create(request, scope, county)
    checklists = list(Checklist.objects.filter(county=county).order_by("-active", "-id"))
    if not manage:
        checklists = [c for c in checklists if c.active]
    mine = (
        ChecklistResponse.objects.filter(cadre_id=scope.cadre_id).select_related("checklist")[:20]
        if scope.cadre_id is not None
        else []
    )
    context = {
        "county": county,
        "checklists": checklists,
        "manage": manage,
        "can_answer": scope.cadre_id is not None,
        "has_default": any(c.title == "18个是否" for c in checklists),
        "form": ChecklistForm(),
        "mine": mine,
    }
    return render(request, "rectification/checklist_list.html", context)


def _create(request: HttpRequest, scope: Scope, county: Area) -> HttpResponse:
    actor = Actor.of(request.user)
    if request.POST.get("op") == "default":
        checklist = checklist_ensure_default(county, actor=actor)
        messages.success(request, f"已创建“{checklist.title}”清单。")
        return redirect("rectification:checklist-edit", pk=checklist.pk)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            checklist = checklist_create(
                actor=actor, scope=scope, county=county, title=form.cleaned_data["title"]
            )
        except ApplicationError as error:
            messages.error(request, f"未保存：{error.message}")
        else:
            messages.success(request, f"已创建“{checklist.title}”，请添加条目。")
            return redirect("rectification:checklist-edit", pk=checklist.pk)
    else:
        messages.error(request, "未保存：请填写清单名称。")
    return redirect(
        reverse("rectification:checklist-list") + ("" if scope.root_area_code else f"?county={county.code}")
    )


def _configurable(request: HttpRequest, pk: int) -> tuple[Scope, Checklist]:
    scope = staff_scope(request)
    checklist = Checklist.objects.select_related("county").filter(pk=pk).first()
    if checklist is None:
        raise Http404
    if not may_configure_checklists(scope, checklist.county):
        raise PermissionDenied("只有县级管理员和扶贫办可以设置自查清单")
    return scope, checklist


def _categories(checklist: Checklist) -> Any:
    return categories_of(checklist.county.code, active_only=True)


def _edit_op(request: HttpRequest, scope: Scope, checklist: Checklist) -> str:
    """Run the posted change; the success message, or raise the service's refusal."""
    actor = Actor.of(request.user)
    op = request.POST.get("op", "")
    if op in ("title", "activate", "deactivate"):
        version = int_or_none(request.POST.get("version"))
        if op == "title":
            checklist_update(
                actor=actor,
                scope=scope,
                checklist=checklist,
                expected_version=version,
                title=request.POST.get("title", ""),
            )
            return "已修改清单名称。"
        active = op == "activate"
        checklist_update(
            actor=actor, scope=scope, checklist=checklist, expected_version=version, active=active
        )
        return "清单已启用。" if active else "清单已停用，干部不再填写。"
    category = ProblemCategory.objects.filter(
        county=checklist.county, pk=int_or_none(request.POST.get("category")) or 0
    ).first()
    if op == "add":
        if category is None:
            raise ApplicationError("请选择问题类别")
        question_add(
            actor=actor,
            scope=scope,
            checklist=checklist,
            text=request.POST.get("text", ""),
            category=category,
        )
        return "已添加条目。"
    question = ChecklistQuestion.objects.filter(
        checklist=checklist, pk=int_or_none(request.POST.get("question")) or 0
    ).first()
    if question is None:
        raise Http404
    if op == "update":
        if category is None:
            raise ApplicationError("请选择问题类别")
        question_update(
            actor=actor, scope=scope, question=question, text=request.POST.get("text", ""), category=category
        )
        return f"已修改第{question.order}条。"
    if op in ("up", "down"):
        question_move(actor=actor, scope=scope, question=question, up=op == "up")
        return "已调整顺序。"
    if op == "delete":
        question_delete(actor=actor, scope=scope, question=question)
        return "已删除条目。"
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def checklist_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set up one checklist: its name, whether it is in use, and its ordered questions."""
    scope, checklist = _configurable(request, pk)
    status = 200
    if request.method == "POST":
        try:
            message = _edit_op(request, scope, checklist)
        except ApplicationError as error:
            messages.error(request, f"未保存：{error.message}")
            status = refusal_status(error)
            checklist.refresh_from_db()
        else:
            messages.success(request, message)
            return redirect("rectification:checklist-edit", pk=checklist.pk)
    categories = _categories(checklist)
    questions = [
        {
            "question": q,
            "form": QuestionForm(
                initial={"text": q.text, "category": str(q.category_id)},
                categories=categories,
                prefix=f"q{q.pk}",
            ),
        }
        for q in checklist.questions.select_related("category").order_by("order")
    ]
    context = {
        "checklist": checklist,
        "questions": questions,
        "categories": categories,
        "add_form": QuestionForm(categories=categories),
    }
    return render(request, "rectification/checklist_edit.html", context, status=status)


# -- answering -----------------------------------------------------------------------------------
def _answers_from(request: HttpRequest, checklist: Checklist) -> dict[int, Answer]:
    answers = {}
    for question in checklist.questions.all():
        value = request.POST.get(f"q{question.pk}", "")
        if value in ("yes", "no"):
            answers[question.pk] = Answer(yes=value == "yes", note=request.POST.get(f"note{question.pk}", ""))
    return answers


@login_required
@require_http_methods(["GET", "POST"])
def checklist_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre answers a checklist on a phone: yes or no and a note for each question."""
    scope = staff_scope(request)
    checklist = Checklist.objects.select_related("county").filter(pk=pk).first()
    if checklist is None:
        raise Http404
    if scope.cadre_id is None:
        raise PermissionDenied("您的账号未关联干部，不能填写自查清单")
    if not may_answer(scope, checklist):
        raise PermissionDenied("该自查清单不是本县正在使用的清单")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            response = checklist_answer(
                actor=Actor.of(request.user),
                scope=scope,
                checklist=checklist,
                answers=_answers_from(request, checklist),
            )
        except ApplicationError as error:
            messages.error(request, f"未提交：{error.message}")
            errors = error.field_errors
            status = refusal_status(error)
        else:
            filed = response.answers.filter(problem__isnull=False).count()
            note = f"，{filed}个“否”已列入您的问题清单" if filed else "，全部答“是”"
            messages.success(request, f"已提交自查{note}。")
            return redirect("rectification:checklist-response", pk=response.pk)
    rows = [
        {
            "question": q,
            "value": request.POST.get(f"q{q.pk}", ""),
            "note": request.POST.get(f"note{q.pk}", ""),
            "error": errors.get(f"q{q.pk}", ""),
        }
        for q in checklist.questions.select_related("category").order_by("order")
    ]
    context = {"checklist": checklist, "rows": rows, "today": timezone.localdate()}
    return render(request, "rectification/checklist_answer.html", context, status=status)


@login_required
@require_GET
def checklist_response_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One cadre's answers, each "no" linked to the problem it filed: for the cadre and the
    county's managers."""
    scope = staff_scope(request)
    response = (
        ChecklistResponse.objects.select_related("checklist__county", "cadre", "cadre__unit")
        .filter(pk=pk)
        .first()
    )
    if response is None:
        raise Http404
    own = scope.cadre_id is not None and scope.cadre_id == response.cadre_id
    if not own and not may_configure_checklists(scope, response.checklist.county):
        raise Http404
    answers = response.answers.select_related("question", "question__category", "problem").order_by(
        "question__order"
    )
    return render(
        request, "rectification/checklist_response.html", {"response": response, "answers": answers}
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("rectification/checklists/", checklist_list_view, name="checklist-list"),
    path("rectification/checklists/<int:pk>/edit/", checklist_edit_view, name="checklist-edit"),
    path("rectification/checklists/<int:pk>/answer/", checklist_answer_view, name="checklist-answer"),
    path("rectification/checklists/responses/<int:pk>/", checklist_response_view, name="checklist-response"),
]
