"""Pages of the reports app, mounted under /reports/ by fupin.web.urls."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from fupin.reports.views import dashboard

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("dashboard/export/", dashboard.dashboard_export_view, name="dashboard-export"),
]
