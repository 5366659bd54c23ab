"""The employment information platform's pages: postings (list, new, one posting with its ranked
laborers and the placement button) and the work team's list of its village."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.areas.selectors import area_get
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.roles import MANAGING_ROLES, SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.core.web import paginate, staff_scope
from fupin.employment.exports import POSTING_HEADER, posting_rows, workbook_response
from fupin.employment.forms import (
    PlacementEndForm,
    PlacementForm,
    PlacementWithdrawForm,
    PostingEditForm,
    PostingForm,
)
from fupin.employment.models import JobPosting, Placement
from fupin.employment.selectors.laborers import laborer_list, posting_list
from fupin.employment.selectors.matching import posting_candidates, village_worklist
from fupin.employment.services.common import may_write
from fupin.employment.services.postings import (
    POSTING_FIELDS,
    placement_end,
    placement_record,
    placement_withdraw,
    posting_create,
    posting_update,
)
from fupin.employment.views.common import saved

POSTING_ROLES = frozenset({SUPERUSER, *MANAGING_ROLES, Role.TOWN_OFFICIAL})
AREA_FIELD = {"area": "area_code"}  # the service's area is the form's code of it


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
                aliases=AREA_FIELD,
            )
            if posting is not None:
                messages.success(request, "已发布岗位")
                return redirect("employment:posting-detail", pk=posting.pk)
    return render(request, "employment/posting_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def posting_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    posting = _visible_posting(request, pk)
    if scope.role not in POSTING_ROLES or not may_write(scope, posting.area_code):
        raise PermissionDenied("您无权修改该岗位")
    initial = {name: getattr(posting, name) for name in POSTING_FIELDS if name != "area"}
    initial |= {"area_code": posting.area_code, "version": posting.version}
    form = PostingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        area = area_get(scope, data.pop("area_code").strip())
        if area is None:
            form.add_error("area_code", "区划代码不存在或不在您的管辖范围内")
        else:
            done = saved(
                request,
                form,
                lambda: posting_update(
                    actor=Actor.of(request.user),
                    scope=scope,
                    posting=posting,
                    expected_version=version,
                    changes=data | {"area": area},
                ),
                aliases=AREA_FIELD,
            )
            if done is not None:
                messages.success(request, "已保存岗位")
                return redirect("employment:posting-detail", pk=posting.pk)
    return render(request, "employment/posting_form.html", {"form": form, "posting": posting})


def _visible_posting(request: HttpRequest, pk: int) -> JobPosting:
    posting = posting_list(staff_scope(request)).filter(pk=pk).first()
    if posting is None:
        raise Http404
    return posting


@login_required
@require_GET
def posting_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    return _detail(request, scope, _visible_posting(request, pk))


def _detail(
    request: HttpRequest,
    scope: Scope,
    posting: JobPosting,
    end_forms: dict[int, PlacementEndForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The posting's page: its placements (each with its 离岗 and 撤销 forms for those who may)
    and its ranked laborers."""
    ranked = posting_candidates(scope, posting)
    today = timezone.localdate()
    placements = list(posting.placements.select_related("laborer").order_by("date", "id"))
    end_forms = end_forms or {}
    rows = [
        (
            pl,
            may_write(scope, pl.area_code),
            end_forms.get(pl.pk)
            or PlacementEndForm(initial={"end_date": today, "version": pl.version}, prefix=f"p{pl.pk}"),
        )
        for pl in placements
    ]
    return render(
        request,
        "employment/posting_detail.html",
        {
            "posting": posting,
            "ranked": ranked[:100],
            "total": len(ranked),
            "placements": rows,
            "may_place": {m.candidate.key for m in ranked if may_write(scope, m.candidate.area_code)},
            "may_edit": scope.role in POSTING_ROLES and may_write(scope, posting.area_code),
            "today": today,
        },
        status=status,
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


def _visible_placement(request: HttpRequest, pk: int, placement_pk: int) -> Placement:
    posting = _visible_posting(request, pk)
    placement = (
        posting.placements.select_related("laborer", "posting")
        .filter(pk=placement_pk, laborer__in=laborer_list(staff_scope(request)))
        .first()
    )
    if placement is None:
        raise Http404
    return placement


@login_required
@require_POST
def placement_end_view(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    """离岗: the job ended or the laborer left it; the form sits on the posting's page."""
    scope = staff_scope(request)
    placement = _visible_placement(request, pk, placement_pk)
    form = PlacementEndForm(request.POST, prefix=f"p{placement.pk}")
    if form.is_valid():
        data = form.cleaned_data
        done = saved(
            request,
            form,
            lambda: placement_end(
                actor=Actor.of(request.user),
                scope=scope,
                placement=placement,
                expected_version=data["version"],
                end_date=data["end_date"],
                reason=data["end_reason"],
            ),
        )
        if done is not None:
            messages.success(request, f"已记录 {placement.laborer.name} 离岗")
            return redirect("employment:posting-detail", pk=pk)
    elif not may_write(scope, placement.area_code):
        raise PermissionDenied("您无权修改该劳动力的就业信息")
    return _detail(request, scope, placement.posting, end_forms={placement.pk: form}, status=400)


@login_required
@require_POST
def placement_withdraw_view(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    """Withdraw a placement recorded by mistake."""
    scope = staff_scope(request)
    placement = _visible_placement(request, pk, placement_pk)
    form = PlacementWithdrawForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    if version is None:
        raise Http404
    done = saved(
        request,
        None,
        lambda: placement_withdraw(
            actor=Actor.of(request.user), scope=scope, placement=placement, expected_version=version
        ),
    )
    if done is not None:
        messages.success(request, f"已撤销 {placement.laborer.name} 的上岗记录")
    return redirect("employment:posting-detail", pk=pk)


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
    path("employment/postings/<int:pk>/edit/", posting_edit_view, name="posting-edit"),
    path("employment/postings/<int:pk>/place/", placement_create_view, name="placement-create"),
    path(
        "employment/postings/<int:pk>/placements/<int:placement_pk>/end/",
        placement_end_view,
        name="placement-end",
    ),
    path(
        "employment/postings/<int:pk>/placements/<int:placement_pk>/withdraw/",
        placement_withdraw_view,
        name="placement-withdraw",
    ),
    path("employment/worklist/", worklist_view, name="worklist"),
]
