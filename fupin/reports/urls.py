"""Pages of the reports app, mounted under /reports/ by fupin.web.urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from fupin.reports import views

urlpatterns: list[URLPattern] = [
    path("records/", views.figure_records_view, name="figure-records"),
]
