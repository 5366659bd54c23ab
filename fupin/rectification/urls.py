"""Pages of the rectification app, each part's patterns kept beside its views."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from fupin.rectification.views import board, checklists, groups, intake, problems, public, webhook

app_name = "rectification"
urlpatterns: list[URLPattern | URLResolver] = [
    *problems.urlpatterns,
    *intake.urlpatterns,
    *public.urlpatterns,
    *webhook.urlpatterns,
    *groups.urlpatterns,
    *checklists.urlpatterns,
    *board.urlpatterns,
]
