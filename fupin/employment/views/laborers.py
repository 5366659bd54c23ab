"""Pages of laborers: the list with its filters and Excel export, the sync from the registry, one
laborer with the postings that fit, and the edit of what the office knows of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.audit import Actor
from fupin.core.web import paginate, staff_scope
from fupin.employment.exports import LABORER_HEADER, laborer_rows, workbook_response
from fupin.employment.forms import LaborerForm, TransferForm
from fupin.employment.matching import best_openings
from fupin.employment.models import EmploymentStatus, Laborer, WorkType
from fupin.employment.selectors.laborers import LaborerFilters, laborer_list, laborer_search
from fupin.employment.selectors.matching import candidate_of, open_postings, opening_of
from fupin.employment.services.common import may_write
from fupin.employment.services.laborers import laborer_update, laborers_sync
from fupin.employment.services.programmes import transfers_upsert
from fupin.employment.views.common import saved


def _filters(request: HttpRequest) -> LaborerFilters:
    get = request.GET
    return LaborerFilters(
        area_code=get.get("area", "").strip(),
        status=get.get("status", "") if get.get("status") in EmploymentStatus.values else "",
        skill=get.get("skill", "") if get.get("skill") in WorkType.values else "",
        poor_only=get.get("poor") == "1",
        lacking_skills=get.get("lacking") == "1",
        q=get.get("q", "").strip(),
    )


@login_required
@require_GET
def laborer_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    laborers = laborer_search(scope, _filters(request))
    if request.GET.get("format") == "xlsx":
        return workbook_response(
            "劳动力", LABORER_HEADER, laborer_rows(scope, laborers.iterator(chunk_size=2000))
        )
    page, query = paginate(request, laborers)
    return render(
        request,
        "employment/laborer_list.html",
        {
            "page_obj": page,
            "query": query,
            "statuses": EmploymentStatus.choices,
            "skills": WorkType.choices,
            "may_sync": scope.root_area_code is not None and may_write(scope, scope.root_area_code),
        },
    )


@login_required
@require_POST
def laborer_sync_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    area_code = scope.root_area_code or ""
    result = saved(
        request, None, lambda: laborers_sync(actor=Actor.of(request.user), scope=scope, area_code=area_code)
    )
    if result is not None:
        messages.success(request, f"已同步：新增 {result.created} 人，更新 {result.updated} 人")
    return redirect("employment:laborer-list")


def _visible(request: HttpRequest, pk: int) -> Laborer:
    laborer = laborer_list(staff_scope(request)).filter(pk=pk).first()
    if laborer is None:
        raise Http404
    return laborer


@login_required
@require_http_methods(["GET", "POST"])
def laborer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    laborer = _visible(request, pk)
    editable = may_write(scope, laborer.area_code)
    initial = {
        "phone": laborer.phone,
        "skills": laborer.skills,
        "status": laborer.status,
        "wish_reach": laborer.wish_reach,
        "wish_work_type": laborer.wish_work_type,
        "available_from": laborer.available_from,
        "note": laborer.note,
        "version": laborer.version,
    }
    form = LaborerForm(request.POST or None, initial=initial)
    if request.method == "POST" and editable and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        done = saved(
            request,
            form,
            lambda: laborer_update(
                actor=Actor.of(request.user),
                scope=scope,
                laborer=laborer,
                expected_version=version,
                changes=data,
            ),
        )
        if done is not None:
            messages.success(request, "已保存")
            return redirect("employment:laborer-detail", pk=laborer.pk)
    matches = best_openings(
        candidate_of(laborer), [opening_of(p) for p in open_postings(scope, timezone.localdate())], 5
    )
    return render(
        request,
        "employment/laborer_detail.html",
        {
            "laborer": laborer,
            "form": form,
            "editable": editable,
            "matches": matches,
            "transfers": laborer.transfers.order_by("-year"),
            "transfer_form": TransferForm(initial={"year": timezone.localdate().year}),
        },
    )


@login_required
@require_POST
def transfer_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record (or correct) the laborer's transfer employment of a year, as a work team hears it."""
    scope = staff_scope(request)
    laborer = _visible(request, pk)
    form = TransferForm(request.POST)
    if form.is_valid():
        row = dict(form.cleaned_data) | {"laborer": laborer}
        done = saved(
            request, form, lambda: transfers_upsert(actor=Actor.of(request.user), scope=scope, rows=[row])
        )
        if done is not None:
            messages.success(request, f"已记录{row['year']}年转移就业")
    else:
        messages.error(
            request, "未保存：" + "；".join(f"{form.fields[f].label}{e[0]}" for f, e in form.errors.items())
        )
    return redirect("employment:laborer-detail", pk=laborer.pk)


urlpatterns: list[URLPattern] = [
    path("employment/laborers/", laborer_list_view, name="laborer-list"),
    path("employment/laborers/sync/", laborer_sync_view, name="laborer-sync"),
    path("employment/laborers/<int:pk>/", laborer_detail_view, name="laborer-detail"),
    path("employment/laborers/<int:pk>/transfer/", transfer_record_view, name="transfer-record"),
]
