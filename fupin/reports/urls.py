"""Pages of the reports app, mounted at /reports/ by fupin.web.urls. URL names are global (no
namespace): other apps link to "dashboard", "figure-records" and "briefing-download" by these names."""

from __future__ import annotations

from django.urls import URLPattern, path

from fupin.reports.briefing import views as briefing_views
from fupin.reports.views import dashboard, records

urlpatterns: list[URLPattern] = [
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("dashboard/export/", dashboard.dashboard_export_view, name="dashboard-export"),
    path("records/", records.figure_records_view, name="figure-records"),
    path("briefing/", briefing_views.briefing_view, name="briefing-download"),
    path("briefing-templates/", briefing_views.briefing_templates_view, name="briefing-templates"),
]
