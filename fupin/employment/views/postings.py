"""The employment information platform's pages: postings (list, new, one posting with its ranked
laborers and the placement button) and the work team's list of its village."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.areas.selectors import area_get
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.roles import MANAGING_ROLES, SUPERUSER, Role
from fupin.core.web import paginate, staff_scope
from fupin.employment.exports import POSTING_HEADER, posting_rows, workbook_response
from fupin.employment.forms import PlacementForm, PostingForm
from fupin.employment.models import JobPosting
from fupin.employment.selectors.laborers import laborer_list, posting_list
from fupin.employment.selectors.matching import posting_candidates, village_worklist
from fupin.employment.services.common import may_write
from fupin.employment.services.postings import placement_record, posting_create
from fupin.employment.views.common import saved

POSTING_ROLES = frozenset({SUPERUSER, *MANAGING_ROLES, Role.TOWN_OFFICIAL})


@login_required
@require_GET
def posting_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    postings = posting_list(scope)
    if request.GET.get("open") == "1":
        today = timezone.localdate()
        postings = postings.filter(start_date__lte=today).exclude(end_date__lt=today)
    if request.GET.get("format") == "xlsx":
        return workbook_response("招聘岗位", POSTING_HEADER, posting_rows(postings))
    page, query = paginate(request, postings)
    return render(
        request,
        "employment/posting_list.html",
        {"page_obj": page, "query": query, "may_create": scope.role in POSTING_ROLES},
    )


@login_required
@require_http_methods(["GET", "POST"])
def posting_create_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    form = PostingForm(
        request.POST or None, initial={"area_code": scope.root_area_code, "start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        area = area_get(scope, data.pop("area_code").strip())
        if area is None:
            form.add_error("area_code", "区划代码不存在或不在您的管辖范围内")
        else:
            code = data.pop("code").strip()
            posting = saved(
                request,
                form,
                lambda: posting_create(
                    actor=Actor.of(request.user), scope=scope, code=code, area=area, **data
                ),
            )
            if posting is not None:
                messages.success(request, "已发布岗位")
                return redirect("employment:posting-detail", pk=posting.pk)
    return render(request, "employment/posting_form.html", {"form": form})


def _visible_posting(request: HttpRequest, pk: int) -> JobPosting:
    posting = posting_list(staff_scope(request)).filter(pk=pk).first()
    if posting is None:
        raise Http404
    return posting


@login_required
@require_GET
def posting_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    posting = _visible_posting(request, pk)
    ranked = posting_candidates(scope, posting)
    return render(
        request,
        "employment/posting_detail.html",
        {
            "posting": posting,
            "ranked": ranked[:100],
            "total": len(ranked),
            "placements": posting.placements.select_related("laborer").order_by("date", "id"),
            "may_place": {m.candidate.key for m in ranked if may_write(scope, m.candidate.area_code)},
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def placement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    posting = _visible_posting(request, pk)
    form = PlacementForm(request.POST)
    if form.is_valid():
        laborer = laborer_list(scope).filter(pk=form.cleaned_data["laborer"]).first()
        if laborer is None:
            raise Http404
        done = saved(
            request,
            form,
            lambda: placement_record(
                actor=Actor.of(request.user),
                scope=scope,
                laborer=laborer,
                posting=posting,
                date=form.cleaned_data["date"],
            ),
        )
        if done is not None:
            messages.success(request, f"已记录 {laborer.name} 上岗")
    else:
        messages.error(request, "未保存：请填写上岗日期")
    return redirect("employment:posting-detail", pk=posting.pk)


@login_required
@require_GET
def worklist_view(request: HttpRequest) -> HttpResponse:
    """The work team's list: the free laborers of one village with their best postings."""
    scope = staff_scope(request)
    code = request.GET.get("village", "").strip()
    if not code and scope.root_area_code and areacode.level_of(scope.root_area_code) == areacode.VILLAGE:
        code = scope.root_area_code
    village = area_get(scope, code) if code else None
    if village is not None and areacode.level_of(village.code) != areacode.VILLAGE:
        village = None
    rows = village_worklist(scope, village.code, timezone.localdate()) if village else []
    return render(request, "employment/worklist.html", {"village": village, "rows": rows, "code": code})


urlpatterns: list[URLPattern] = [
    path("employment/postings/", posting_list_view, name="posting-list"),
    path("employment/postings/new/", posting_create_view, name="posting-create"),
    path("employment/postings/<int:pk>/", posting_detail_view, name="posting-detail"),
    path("employment/postings/<int:pk>/place/", placement_create_view, name="placement-create"),
    path("employment/worklist/", worklist_view, name="worklist"),
]
