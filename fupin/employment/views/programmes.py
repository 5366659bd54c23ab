"""Lists of trainings, public-welfare jobs, community factories and transfer employment, each with
its counts and Excel export. Records come in through the ledgers (台账导入) or the services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from fupin.core.models import choice_label
from fupin.core.web import int_or_none, paginate, staff_scope
from fupin.employment import exports
from fupin.employment.models import Funding, Region, Trainee
from fupin.employment.selectors.programmes import (
    factory_list,
    training_coverage,
    training_list,
    transfer_list,
    welfare_post_list,
)
from fupin.employment.services.common import PROGRAMME_ROLES


@login_required
@require_GET
def training_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    trainings = training_list(scope).order_by("-start_date", "code")
    year = int_or_none(request.GET.get("year"))
    if year:
        trainings = trainings.filter(end_date__year=year)
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(
            "技能培训", exports.TRAINING_HEADER, exports.training_rows(trainings)
        )
    page, query = paginate(request, trainings)
    totals = training_list(scope).filter(**({"end_date__year": year} if year else {}))
    person_times = Trainee.objects.filter(training__in=totals.values("pk")).count()
    return render(
        request,
        "employment/training_list.html",
        {
            "page_obj": page,
            "query": query,
            "sessions": totals.count(),
            "person_times": person_times,
            "coverage": training_coverage(scope),
            "may_create": scope.role in PROGRAMME_ROLES,
        },
    )


@login_required
@require_GET
def welfare_post_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    posts = welfare_post_list(scope).order_by("area_code", "code")
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response("公益岗位", exports.POST_HEADER, exports.post_rows(scope, posts))
    current = posts.filter(end_date__isnull=True)
    by_funding = [
        (choice_label(Funding, f), n)
        for f, n in current.values_list("funding").annotate(n=Count("pk")).order_by("funding")
    ]
    page, query = paginate(request, posts)
    return render(
        request,
        "employment/welfare_post_list.html",
        {
            "page_obj": page,
            "query": query,
            "current": current.count(),
            "held": current.filter(holder__isnull=False).count(),
            "by_funding": by_funding,
            "may_create": scope.role in PROGRAMME_ROLES,
        },
    )


@login_required
@require_GET
def factory_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    factories = factory_list(scope).order_by("area_code", "code")
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response("社区工厂", exports.FACTORY_HEADER, exports.factory_rows(factories))
    return render(
        request,
        "employment/factory_list.html",
        {"factories": factories, "may_create": scope.role in PROGRAMME_ROLES},
    )


@login_required
@require_GET
def transfer_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    transfers = transfer_list(scope)
    year = int_or_none(request.GET.get("year"))
    if year:
        transfers = transfers.filter(year=year)
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(
            "转移就业", exports.TRANSFER_HEADER, exports.transfer_rows(scope, transfers)
        )
    by_region = [
        (choice_label(Region, r), n, int(income or 0))
        for r, n, income in transfers.values_list("region")
        .annotate(n=Count("pk"), income=Sum("income"))
        .order_by("region")
    ]
    page, query = paginate(request, transfers)
    return render(
        request,
        "employment/transfer_list.html",
        {"page_obj": page, "query": query, "by_region": by_region, "total": transfers.count()},
    )


urlpatterns: list[URLPattern] = [
    path("employment/trainings/", training_list_view, name="training-list"),
    path("employment/welfare-jobs/", welfare_post_list_view, name="welfare-post-list"),
    path("employment/factories/", factory_list_view, name="factory-list"),
    path("employment/transfers/", transfer_list_view, name="transfer-list"),
]
