"""Pages of field work: work diaries (驻村日志) — the diaries the user may read, filtered by village
and month; the day's entry of a work-team member (written, or edited with its version); one entry
with its history."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.core.selectors import change_history
from fupin.core.web import paginate, staff_scope
from fupin.fieldwork.forms_reports import DiaryForm
from fupin.fieldwork.models import Diary
from fupin.fieldwork.selectors.diary import diary_get, diary_list, diary_own_on, team_village_on
from fupin.fieldwork.selectors.reports import parse_month
from fupin.fieldwork.services.diary import diary_create, diary_update
from fupin.fieldwork.views.leave import service_saved


def _day_param(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def diary_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    code = request.GET.get("village", "").strip()
    month = parse_month(request.GET.get("month", ""))
    diaries = diary_list(
        scope,
        # An area outside the scope is ignored rather than widening anything.
        village_code=code if code and area_get(scope, code) else "",
        month=month,
        mine=bool(request.GET.get("mine")),
    )
    page, query = paginate(request, diaries)
    today = timezone.localdate()
    in_team = scope.cadre_id is not None and team_village_on(scope.cadre_id, today) is not None
    return render(
        request,
        "fieldwork/diary_list.html",
        {"page_obj": page, "query": query, "in_team": in_team, "area_wide": scope.is_area_wide},
    )


def _save(request: HttpRequest, scope: Scope, form: DiaryForm, existing: Diary | None) -> Diary | None:
    """Edit the day's entry with the version the page was read at, else write a new one (which the
    service refuses when the day already has an entry)."""
    data = form.cleaned_data
    text = {"content": data["content"], "problems": data["problems"], "plans": data["plans"]}
    actor = Actor.of(request.user)
    if existing is not None and data["version"] is not None:
        return service_saved(
            request,
            form,
            lambda: diary_update(
                actor=actor, scope=scope, diary=existing, expected_version=data["version"], **text
            ),
        )
    return service_saved(
        request, form, lambda: diary_create(actor=actor, scope=scope, day=data["day"], **text)
    )


@login_required
@require_http_methods(["GET", "POST"])
def diary_write_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    day = _day_param(request)
    if request.method == "POST":
        form = DiaryForm(request.POST)
        if form.is_valid():
            existing = diary_own_on(scope, form.cleaned_data["day"])
            diary = _save(request, scope, form, existing)
            if diary is not None:
                messages.success(request, f"{diary.day:%Y-%m-%d}的日志已保存。")
                return redirect("fieldwork:diary-detail", diary.pk)
        day = form.cleaned_data.get("day") or day
    existing = diary_own_on(scope, day)
    if request.method == "GET":
        initial: dict[str, object] = {"day": day, "version": None}
        if existing is not None:
            initial |= {
                "version": existing.version,
                "content": existing.content,
                "problems": existing.problems,
                "plans": existing.plans,
            }
        form = DiaryForm(initial=initial)
    village = team_village_on(scope.cadre_id, day) if scope.cadre_id is not None else None
    return render(
        request,
        "fieldwork/diary_form.html",
        {"form": form, "day": day, "existing": existing, "village": village},
    )


@login_required
@require_GET
def diary_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    diary = diary_get(scope, pk)
    if diary is None:
        raise Http404
    edit = None
    if diary.cadre_id == scope.cadre_id:
        edit = reverse("fieldwork:diary-write") + f"?day={diary.day:%Y-%m-%d}"
    return render(
        request,
        "fieldwork/diary_detail.html",
        {"diary": diary, "edit_url": edit, "history": change_history(diary)[:50]},
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("fieldwork/diary/", diary_list_view, name="diary-list"),
    path("fieldwork/diary/write/", diary_write_view, name="diary-write"),
    path("fieldwork/diary/<int:pk>/", diary_detail_view, name="diary-detail"),
]
