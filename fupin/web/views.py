"""The home page: what the user's area holds, at a glance."""

from __future__ import annotations

import hashlib
import re

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import area_list
from fupin.core import areacode
from fupin.core.scope import Scope, scope_of
from fupin.people.models import CadreCategory
from fupin.people.selectors import cadre_list, unit_list
from fupin.rectification.selectors.intake import village_token


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if scope.is_public:
        return render(request, "web/public_home.html", {"villages": _public_form_links(scope)})
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


# The pages a cadre may need with no network, and the assets they load.
OFFLINE_PAGES = ("fieldwork:checkin", "fieldwork:checkin-mine")
# Pages with a code in their address, kept once opened: an exam being taken (a reload with no
# network shows it again, with the answers the phone keeps).
OFFLINE_PAGE_PATTERNS: tuple[tuple[str, list[str | int]], ...] = (("training:attempt", ["EXAMCODE", 999999]),)
OFFLINE_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "web/fupin.css",
    "web/checkin.css",
    "web/checkin.js",
    "training/exam.js",
)


def _page_pattern(name: str, args: list[str | int]) -> str:
    """The regular expression (JavaScript) of a page's addresses: the sample code and number in
    `args` stand for any code and any number."""
    path = re.escape(reverse(name, args=args))
    return "^" + path.replace("EXAMCODE", "[^/]+").replace("999999", "\\d+") + "$"


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site root so that its scope covers the field pages."""
    assets = [static(path) for path in OFFLINE_ASSETS]
    response = render(
        request,
        "web/sw.js",
        {
            "pages": [reverse(name) for name in OFFLINE_PAGES],
            "patterns": [_page_pattern(name, args) for name, args in OFFLINE_PAGE_PATTERNS],
            "assets": assets,
            # A new asset set (a deployment) gives a new cache name, and the old cache is dropped.
            "version": hashlib.sha256("|".join(assets).encode()).hexdigest()[:12],
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def _public_form_links(scope: Scope) -> list[tuple[Area, str]]:
    """Each village of a public account's area with the address of its problem form."""
    root = scope.root_area_code or ""
    if not root:
        return []
    villages = Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith=areacode.prefix_of(root))
    return [
        (village, reverse("rectification:public-form", args=[village_token(village.code)]))
        for village in villages.select_related("parent").order_by("code")
    ]
