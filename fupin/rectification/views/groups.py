"""Pages of rectification: 梳理归纳 — suggested groups of near-duplicate problems, the county's groups,
and a group's page where one workflow action is taken on every member (all or nothing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import staff_scope
from fupin.rectification import similarity
from fupin.rectification.forms import (
    CloseForm,
    EvidenceForm,
    GroupCreateForm,
    GroupRenameForm,
    GroupStartForm,
    ReasonForm,
    RectifyForm,
    resolve_cadre,
)
from fupin.rectification.models import Problem, ProblemGroup, ProblemStatus
from fupin.rectification.selectors.problems import problem_visibility_q
from fupin.rectification.services.groups import (
    group_apply,
    group_create,
    group_evidence_add,
    group_members,
    group_rename,
    group_split,
    may_group,
)
from fupin.rectification.views.problems.common import (
    ACTION_TITLES,
    DONE_MESSAGES,
    cadre_options,
    county_of_scope,
    refusal_status,
    show_refusal,
    user_id_of,
)

S = ProblemStatus
# The problems compared for suggestions: the county's not yet closed and not yet grouped, the most
# recently found first, at most this many.
SUGGEST_LIMIT = 5000
SHOWN_SUGGESTIONS = 100
THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8)
GROUP_ACTION_FORMS: dict[str, type[forms.Form]] = {
    "start": GroupStartForm,
    "rectify": RectifyForm,
    "close": CloseForm,
    "reject": ReasonForm,
    "reopen": ReasonForm,
}
# Which actions a group offers, by the statuses of its members.
OFFERED = {
    S.OPEN: ("start", "rectify"),
    S.IN_PROGRESS: ("rectify",),
    S.RECTIFIED: ("close", "reject", "reopen"),
    S.CLOSED: ("reopen",),
}


def _grouping_county(request: HttpRequest) -> tuple[Scope, Area]:
    scope = staff_scope(request)
    county = county_of_scope(request, scope)
    if county is None or not may_group(scope, county):
        raise PermissionDenied("只有县级管理员和扶贫办可以归纳问题")
    return scope, county


def _threshold(request: HttpRequest) -> float:
    try:
        value = float(request.GET.get("threshold", similarity.DEFAULT_THRESHOLD))
    except ValueError:
        return similarity.DEFAULT_THRESHOLD
    return min(max(value, 0.2), 1.0)


def _candidates(county: Area) -> QuerySet[Problem]:
    return Problem.objects.filter(
        area_code__startswith=areacode.prefix_of(county.code), group__isnull=True
    ).exclude(status=S.CLOSED)


def suggestions_for(county: Area, threshold: float) -> list[similarity.Suggestion[int]]:
    """The county's suggested groups (problem ids), cached until a problem of the county changes."""
    candidates = _candidates(county)
    stamp = candidates.aggregate(n=Count("pk"), changed=Max("updated_at"))
    changed = stamp["changed"].timestamp() if stamp["changed"] else 0
    key = f"rectification:suggest:{county.code}:{threshold}:{stamp['n']}:{changed}"
    found: list[similarity.Suggestion[int]] | None = cache.get(key)
    if found is None:
        items = list(
            candidates.order_by("-found_date", "-id").values_list("pk", "description")[:SUGGEST_LIMIT]
        )
        places = Area.objects.filter(code__startswith=areacode.prefix_of(county.code)).values_list(
            "name", flat=True
        )
        found = similarity.suggest_groups(items, threshold=threshold, places=places)
        cache.set(key, found, 600)
    return found


@login_required
@require_GET
def group_suggestions_view(request: HttpRequest) -> HttpResponse:
    """Suggested groups: near-duplicate problems the county has not grouped yet."""
    _, county = _grouping_county(request)
    threshold = _threshold(request)
    found = suggestions_for(county, threshold)
    shown = found[:SHOWN_SUGGESTIONS]
    ids = {pk for suggestion in shown for pk in suggestion.members}
    problems = Problem.objects.select_related("area", "category").in_bulk(ids)
    groups = [
        {
            "members": [problems[pk] for pk in suggestion.members if pk in problems],
            "cohesion": suggestion.cohesion,
            "title": problems[suggestion.members[0]].description[:300]
            if suggestion.members[0] in problems
            else "",
        }
        for suggestion in shown
    ]
    context = {
        "county": county,
        "groups": groups,
        "total": len(found),
        "threshold": threshold,
        "thresholds": sorted({*THRESHOLDS, threshold}),
        "considered": _candidates(county).count(),
        "limit": SUGGEST_LIMIT,
    }
    return render(request, "rectification/group_suggestions.html", context)


def _title_of(problems: dict[int, Problem], members: tuple[int, ...]) -> str:
    """The suggested title: the most central member's description."""
    first = problems.get(members[0])
    return first.description[:300] if first is not None else ""


def _chosen_problems(request: HttpRequest, county: Area) -> list[Problem]:
    codes = [code for code in request.POST.getlist("problems") if code]
    return list(Problem.objects.filter(code__in=codes, area_code__startswith=areacode.prefix_of(county.code)))


@login_required
@require_POST
def group_create_view(request: HttpRequest) -> HttpResponse:
    """Confirm a suggested group (the members left ticked) under a title."""
    scope, county = _grouping_county(request)
    form = GroupCreateForm(request.POST)
    title = request.POST.get("title", "")
    try:
        group = group_create(
            actor=Actor.of(request.user),
            scope=scope,
            county=county,
            title=title if form.is_valid() else "",
            problems=_chosen_problems(request, county),
        )
    except ApplicationError as error:
        messages.error(request, f"未归纳：{error.message}")
        return redirect(reverse("rectification:group-suggestions") + _county_query(scope, county))
    messages.success(request, f"已将{group.problems.count()}个问题归纳为“{group.title}”。")
    return redirect("rectification:group-detail", pk=group.pk)


def _county_query(scope: Scope, county: Area) -> str:
    return "" if scope.root_area_code else f"?county={county.code}"


@login_required
@require_GET
def group_list_view(request: HttpRequest) -> HttpResponse:
    """The county's groups with how many members each has and how many are still open."""
    _, county = _grouping_county(request)
    groups = (
        ProblemGroup.objects.filter(county=county)
        .annotate(
            members=Count("problems"),
            open_members=Count("problems", filter=~Q(problems__status=S.CLOSED)),
        )
        .order_by("-id")
    )
    return render(request, "rectification/group_list.html", {"county": county, "groups": groups})


# -- one group -----------------------------------------------------------------------------------
def _visible_group(request: HttpRequest, pk: int) -> tuple[Scope, ProblemGroup, list[Problem], bool]:
    """The group, its members the user may see, and whether they see every member (and so may act
    on the group). A group none of whose members the user sees does not exist for them."""
    scope = staff_scope(request)
    group = ProblemGroup.objects.select_related("county", "created_by").filter(pk=pk).first()
    if group is None:
        raise Http404
    members = group_members(group)
    visible_ids = set(
        Problem.objects.filter(problem_visibility_q(scope, user_id_of(request)), group=group).values_list(
            "pk", flat=True
        )
    )
    if not visible_ids and not may_group(scope, group.county):
        raise Http404
    visible = [p for p in members if p.pk in visible_ids]
    return scope, group, visible, len(visible) == len(members)


def _versions(members: list[Problem]) -> str:
    return ",".join(f"{p.pk}:{p.version}" for p in members)


def _parse_versions(text: str) -> dict[int, int]:
    versions: dict[int, int] = {}
    for part in text.split(","):
        pk, _, version = part.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = int(version)
    return versions


def _rename_initial(group: ProblemGroup) -> dict[str, Any]:
    return {"title": group.title, "version": group.version}


def _group_form(action: str, data: Any = None) -> forms.Form:
    form = GROUP_ACTION_FORMS[action](data, initial={"on": timezone.localdate()})
    del form.fields["version"]
    return form


def _group_page(
    request: HttpRequest,
    scope: Scope,
    group: ProblemGroup,
    members: list[Problem],
    sees_all: bool,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    statuses = {p.status for p in members}
    offered = list(dict.fromkeys(a for s in statuses for a in OFFERED[S(s)])) if sees_all else []
    actions = [
        {
            "name": name,
            "title": ACTION_TITLES[name][0],
            "hint": ACTION_TITLES[name][1],
            "form": bound.get(name) or _group_form(name),
        }
        for name in offered
    ]
    grouping = may_group(scope, group.county)
    context = {
        "group": group,
        "members": members,
        "sees_all": sees_all,
        "actions": actions,
        "versions": _versions(members),
        "can_group": grouping,
        "rename_form": (
            bound.get("rename") or GroupRenameForm(initial={"title": group.title, "version": group.version})
        )
        if grouping
        else None,
        "evidence_form": (bound.get("evidence") or EvidenceForm()) if sees_all else None,
        "cadre_options": cadre_options(members[0] if members else None, scope) if actions else [],
    }
    return render(request, "rectification/group_detail.html", context, status=status)


@login_required
@require_GET
def group_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope, group, members, sees_all = _visible_group(request, pk)
    return _group_page(request, scope, group, members, sees_all)


def _group_params(action: str, form: forms.Form, county_code: str) -> dict[str, Any] | None:
    data = form.cleaned_data
    if action == "start":
        params: dict[str, Any] = {
            "measures": data["measures"],
            "deadline": data["deadline"],
            "on": data["on"],
        }
        for name in ("responsible_person", "responsible_leader"):
            cadre, reason = resolve_cadre(data.get(name, ""), county_code)
            if reason:
                form.add_error(name, reason)
            elif cadre is not None:
                params[name] = cadre
        return None if form.errors else params
    if action == "rectify":
        return {"account": data["account"], "completed_date": data["completed_date"]}
    if action == "close":
        return {"closed_date": data["closed_date"], "note": data["note"]}
    return {"reason": data["reason"]}


@login_required
@require_POST
def group_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow action on every member; if any member refuses, nothing changes and the page
    names the member and the reason."""
    scope, group, members, sees_all = _visible_group(request, pk)
    if action not in GROUP_ACTION_FORMS:
        raise Http404
    if not sees_all:
        raise PermissionDenied("您不能查看该组的全部问题，不能对整组办理")
    form = _group_form(action, request.POST)
    params = _group_params(action, form, group.county.code) if form.is_valid() else None
    if params is None:
        messages.error(request, "未办理：请检查填写的内容。")
        return _group_page(request, scope, group, members, sees_all, bound={action: form}, status=400)
    try:
        done = group_apply(
            actor=Actor.of(request.user),
            scope=scope,
            group=group,
            action=action,
            expected_versions=_parse_versions(request.POST.get("versions", "")),
            **params,
        )
    except ApplicationError as error:
        show_refusal(request, form, error)
        members = [p for p in group_members(group) if p.pk in {m.pk for m in members}]
        return _group_page(
            request, scope, group, members, sees_all, bound={action: form}, status=refusal_status(error)
        )
    messages.success(request, f"{DONE_MESSAGES[action]}（共{len(done)}个问题）")
    return redirect("rectification:group-detail", pk=group.pk)


@login_required
@require_POST
def group_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Split ticked members out of the group (dissolving it when fewer than two would remain)."""
    scope, group, members, sees_all = _visible_group(request, pk)
    chosen = [p for p in members if p.code in set(request.POST.getlist("problems"))]
    county_query = _county_query(scope, group.county)
    try:
        dissolved = group_split(actor=Actor.of(request.user), scope=scope, group=group, problems=chosen)
    except ApplicationError as error:
        messages.error(request, f"未拆分：{error.message}")
        return _group_page(request, scope, group, members, sees_all, status=refusal_status(error))
    if dissolved:
        messages.success(request, "该组已不足两个问题，已解散。")
        return redirect(reverse("rectification:group-list") + county_query)
    messages.success(request, f"已将{len(chosen)}个问题从本组拆出。")
    return redirect("rectification:group-detail", pk=group.pk)


@login_required
@require_http_methods(["POST"])
def group_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope, group, members, sees_all = _visible_group(request, pk)
    form = GroupRenameForm(request.POST)
    if form.is_valid():
        try:
            group_rename(
                actor=Actor.of(request.user),
                scope=scope,
                group=group,
                expected_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
            )
        except ApplicationError as error:
            show_refusal(request, form, error)
            return _group_page(
                request, scope, group, members, sees_all, bound={"rename": form}, status=refusal_status(error)
            )
        messages.success(request, "已修改归纳后的问题。")
        return redirect("rectification:group-detail", pk=group.pk)
    return _group_page(request, scope, group, members, sees_all, bound={"rename": form}, status=400)


@login_required
@require_POST
def group_evidence_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One photo or file attached to every member, so the group can be reported rectified."""
    scope, group, members, sees_all = _visible_group(request, pk)
    if not sees_all:
        raise PermissionDenied("您不能查看该组的全部问题，不能对整组上传")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = group_evidence_add(
                actor=Actor.of(request.user), scope=scope, group=group, upload=form.cleaned_data["file"]
            )
        except ApplicationError as error:
            show_refusal(request, form, error)
            return _group_page(
                request,
                scope,
                group,
                members,
                sees_all,
                bound={"evidence": form},
                status=refusal_status(error),
            )
        messages.success(request, f"已为{len(added)}个问题上传整改佐证。")
        return redirect("rectification:group-detail", pk=group.pk)
    messages.error(request, "未上传：请选择文件。")
    return _group_page(request, scope, group, members, sees_all, bound={"evidence": form}, status=400)


urlpatterns: list[URLPattern | URLResolver] = [
    path("rectification/groups/", group_list_view, name="group-list"),
    path("rectification/groups/suggest/", group_suggestions_view, name="group-suggestions"),
    path("rectification/groups/new/", group_create_view, name="group-create"),
    path("rectification/groups/<int:pk>/", group_detail_view, name="group-detail"),
    path("rectification/groups/<int:pk>/split/", group_split_view, name="group-split"),
    path("rectification/groups/<int:pk>/rename/", group_rename_view, name="group-rename"),
    path("rectification/groups/<int:pk>/evidence/", group_evidence_view, name="group-evidence"),
    path("rectification/groups/<int:pk>/<str:action>/", group_action_view, name="group-action"),
]
