"""The home page: what the user's area holds, at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.areas.models import AreaLevel
from fupin.areas.selectors import area_list
from fupin.core.scope import scope_of
from fupin.people.models import CadreCategory
from fupin.people.selectors import cadre_list, unit_list


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if scope.is_public:
        return render(request, "web/public_home.html")
    areas = area_list(scope).aggregate(
        towns=Count("pk", filter=Q(level=AreaLevel.TOWN)),
        villages=Count("pk", filter=Q(level=AreaLevel.VILLAGE)),
        poor_villages=Count("pk", filter=Q(level=AreaLevel.VILLAGE, is_poor_village=True)),
    )
    cadres = cadre_list(scope)
    by_category = cadres.aggregate(
        total=Count("pk"),
        **{c.value: Count("pk", filter=Q(categories__contains=f",{c.value},")) for c in CadreCategory},
    )
    categories = [(c.label, c.value, by_category[c.value]) for c in CadreCategory if by_category[c.value]]
    return render(
        request,
        "web/home.html",
        {
            "areas": areas,
            "unit_count": unit_list(scope).count(),
            "cadre_count": by_category["total"],
            "categories": categories,
        },
    )


@api_view(["GET"])
def api_root(request: Request) -> Response:
    """The API's front door: where each collection, the schema and the docs are."""
    names = {
        "areas": "api-area-list",
        "area_search": "api-area-search",
        "units": "api-unit-list",
        "cadres": "api-cadre-list",
        "token": "api-token",
        "schema": "api-schema",
        "docs": "api-docs",
    }
    return Response({key: request.build_absolute_uri(reverse(name)) for key, name in names.items()})
