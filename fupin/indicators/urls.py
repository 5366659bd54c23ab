"""Pages of the indicators app (indicators, approvals, the report) and of key projects."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from fupin.indicators.views import board, entry, projects

app_name = "indicators"
urlpatterns: list[URLPattern | URLResolver] = [
    *entry.urlpatterns,
    *board.urlpatterns,
    *projects.urlpatterns,
]
