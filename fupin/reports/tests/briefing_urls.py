"""The site's URLs plus a stand-in for the records page (URL name "figure-records", the drill-down
contract), so the briefing's links can be checked before that page is on this branch."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from fupin.web.urls import urlpatterns as site


def records_stand_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/records/", records_stand_in, name="figure-records"),
    *site,
]
