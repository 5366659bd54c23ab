"""The platform's URLs plus stand-ins for the pages other pieces of work add: the records behind a
figure ("figure-records") and the briefing download ("briefing-download"). Tests that follow the
dashboard's links use this URLconf."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from fupin.urls import urlpatterns as platform_urlpatterns

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def records_stand_in(request: HttpRequest) -> HttpResponse:
    figure = request.GET.get("figure", "")
    return HttpResponse(f'<h1>{figure}</h1><span data-testid="records-total">0</span>')


def briefing_stand_in(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(b"PK\x03\x04 briefing", content_type=DOCX)
    response["Content-Disposition"] = 'attachment; filename="briefing.docx"'
    return response


urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/records/", records_stand_in, name="figure-records"),
    path("reports/briefing/", briefing_stand_in, name="briefing-download"),
    *platform_urlpatterns,
]
