"""Pages of the indicators app (indicators, approvals, the report) and of key projects."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from fupin.indicators.views import board, definitions, entry, projects

app_name = "indicators"
urlpatterns: list[URLPattern | URLResolver] = [
    *entry.urlpatterns,
    *definitions.urlpatterns,
    *board.urlpatterns,
    *projects.urlpatterns,
]
