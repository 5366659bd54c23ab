"""Area pages: the tree, one area's page, the picker. Thin: scope, selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.forms import AreaForm
from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import area_ancestors, area_children, area_get, area_search
from fupin.areas.services import area_update
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.selectors import change_history
from fupin.core.web import staff_scope


def _with_counts(areas: QuerySet[Area]) -> list[Area]:
    """Each area with how many areas (and poor villages) lie directly below it, in one query."""
    return list(
        areas.annotate(
            child_count=Count("children", distinct=True),
            poor_child_count=Count("children", filter=Q(children__is_poor_village=True), distinct=True),
        ).order_by("code")
    )


@login_required
@require_GET
def area_tree(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    roots = _with_counts(area_children(scope, None))
    return render(request, "areas/tree.html", {"roots": roots, "levels": AreaLevel.choices})


@login_required
@require_GET
def area_children_partial(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    area = area_get(scope, code)
    if area is None:
        raise Http404
    return render(request, "areas/_children.html", {"children": _with_counts(area_children(scope, area))})


@login_required
@require_GET
def area_picker(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    query = request.GET.get("q", "")
    results = area_search(scope, query, level=request.GET.get("level") or None)
    return render(request, "areas/_picker_results.html", {"results": results, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    area = area_get(scope, code)
    if area is None:
        raise Http404
    form = AreaForm.for_area(area)
    if request.method == "POST":
        if not scope.can_manage:
            raise PermissionDenied("您无权修改行政区划")
        form = AreaForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                area_update(
                    actor=Actor.of(request.user),
                    area=area,
                    expected_version=data.pop("version"),
                    **data,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "已保存。")
                return redirect("areas:detail", code=area.code)
    children = _with_counts(area_children(scope, area))
    return render(
        request,
        "areas/detail.html",
        {
            "area": area,
            "ancestors": area_ancestors(area),
            "children": children,
            "form": form,
            "can_edit": scope.can_manage,
            "history": change_history(area)[:50],
        },
    )
