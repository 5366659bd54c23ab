"""The industry insurance page (产业保险): the year's policies in the reader's area with their
premium subsidy and claims paid."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from fupin.core.web import int_or_none, paginate, staff_scope
from fupin.industry.selectors.insurance import policy_list


@login_required
@require_GET
def insurance_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    page, query = paginate(request, policy_list(scope, year))
    return render(request, "industry/insurance.html", {"year": year, "page_obj": page, "query": query})


urlpatterns: list[URLPattern | URLResolver] = [path("industry/insurance/", insurance_view, name="insurance")]
