"""Pages of the field-work app, each part's patterns kept beside its views."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from fupin.fieldwork.views import checkin, compliance, leave, reports

app_name = "fieldwork"
urlpatterns: list[URLPattern | URLResolver] = [
    *checkin.urlpatterns,
    *compliance.urlpatterns,
    *leave.urlpatterns,
    *reports.urlpatterns,
]
