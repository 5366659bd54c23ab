"""Pages of the duty app: the coverage board, responsibility lists, pairings and work teams."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from fupin.duty import views

app_name = "duty"
urlpatterns: list[URLPattern | URLResolver] = [
    path("coverage/", views.coverage_board_view, name="coverage"),
    path("coverage/<str:panel>.xlsx", views.coverage_export_view, name="coverage-export"),
    path("duty/cadres/<str:code>/", views.cadre_duty_view, name="cadre"),
    path("duty/units/<str:code>/", views.unit_duty_view, name="unit"),
    path("duty/pairings/", views.pairing_list_view, name="pairing-list"),
    path("duty/pairings/new/", views.pairing_create_view, name="pairing-create"),
    path(
        "duty/pairings/<str:cadre_code>/<str:household_code>/<str:start>/end/",
        views.pairing_end_view,
        name="pairing-end",
    ),
    path("duty/work-teams/", views.work_team_list_view, name="work-team-list"),
    path("duty/work-teams/new/", views.work_team_create_view, name="work-team-create"),
    path(
        "duty/work-teams/<str:village_code>/<str:cadre_code>/<str:start>/end/",
        views.work_team_end_view,
        name="work-team-end",
    ),
]
