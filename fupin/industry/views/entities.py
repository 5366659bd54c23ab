"""Pages of business entities (新型经营主体) and their benefit links (利益联结): the entities in the
area with their linked households and the year's income to them, and one entity's households."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from fupin.core.web import int_or_none, paginate, staff_scope
from fupin.industry.models import EntityKind
from fupin.industry.selectors.entities import entity_get, entity_links, entity_list


def _year(request: HttpRequest) -> int:
    return int_or_none(request.GET.get("year")) or timezone.localdate().year


@login_required
@require_GET
def entity_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = _year(request)
    kind = request.GET.get("kind", "")
    entities = entity_list(scope, year=year, kind=kind if kind in EntityKind.values else "")
    page, query = paginate(request, entities)
    return render(
        request,
        "industry/entity_list.html",
        {"page_obj": page, "query": query, "year": year, "kinds": EntityKind.choices},
    )


@login_required
@require_GET
def entity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    entity = entity_get(scope, pk)
    if entity is None:
        raise Http404
    year = _year(request)
    page, query = paginate(request, entity_links(scope, entity, year))
    return render(
        request,
        "industry/entity_detail.html",
        {"entity": entity, "year": year, "page_obj": page, "query": query},
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/entities/", entity_list_view, name="entity-list"),
    path("industry/entities/<int:pk>/", entity_detail_view, name="entity-detail"),
]
