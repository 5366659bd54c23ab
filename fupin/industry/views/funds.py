"""The integrated agricultural funds page (统筹整合涉农资金): the year's sources with what each has
allocated, and the projects in the reader's area with their spending progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from fupin.core.web import int_or_none, paginate, staff_scope
from fupin.industry.selectors.funds import fund_projects, fund_sources


@login_required
@require_GET
def funds_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    page, query = paginate(request, fund_projects(scope, year))
    return render(
        request,
        "industry/funds.html",
        {"year": year, "sources": fund_sources(scope, year), "page_obj": page, "query": query},
    )


urlpatterns: list[URLPattern | URLResolver] = [path("industry/funds/", funds_view, name="funds")]
