"""The three lists of 三单制 as pages: problems, responsibility and tasks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fupin.core.web import paginate, staff_scope
from fupin.rectification.forms import (
    ProblemFilterForm,
)
from fupin.rectification.selectors.problems import (
    problem_list,
    responsibility_list,
    task_list,
)
from fupin.rectification.views.problems.common import (
    _categories_for,
    _filters,
    _flag,
    user_id_of,
)


# -- the three lists -----------------------------------------------------------------------------
@login_required
@require_GET
def problem_list_view(request: HttpRequest) -> HttpResponse:
    """问题清单."""
    scope = staff_scope(request)
    form = ProblemFilterForm(request.GET or None, categories=_categories_for(request, scope))
    problems = problem_list(scope, user_id=user_id_of(request), filters=_filters(request, scope))
    page, query = paginate(request, problems)
    return render(
        request,
        "rectification/problem_list.html",
        {"page_obj": page, "query": query, "form": form, "today": timezone.localdate()},
    )


@login_required
@require_GET
def responsibility_list_view(request: HttpRequest) -> HttpResponse:
    """责任清单: each problem's unit, leader and person, shown unit by unit or person by person."""
    scope = staff_scope(request)
    by = "person" if request.GET.get("by") == "person" else "unit"
    form = ProblemFilterForm(request.GET or None, categories=_categories_for(request, scope))
    problems = responsibility_list(
        scope, user_id=user_id_of(request), filters=_filters(request, scope), by=by
    )
    page, query = paginate(request, problems)
    return render(
        request,
        "rectification/problem_responsibility.html",
        {"page_obj": page, "query": query, "form": form, "by": by, "today": timezone.localdate()},
    )


@login_required
@require_GET
def task_list_view(request: HttpRequest) -> HttpResponse:
    """任务清单."""
    scope = staff_scope(request)
    state = request.GET.get("state", "")
    mine = _flag(request, "mine") and scope.cadre_id is not None
    tasks = task_list(
        scope,
        user_id=user_id_of(request),
        state=state,
        owner_code=request.GET.get("owner", "").strip(),
        mine_cadre_id=scope.cadre_id if mine else None,
    )
    page, query = paginate(request, tasks)
    return render(
        request,
        "rectification/problem_tasks.html",
        {
            "page_obj": page,
            "query": query,
            "state": state,
            "mine": mine,
            "has_cadre": scope.cadre_id is not None,
            "today": timezone.localdate(),
        },
    )
