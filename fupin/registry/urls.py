from django.urls import URLPattern, URLResolver, path

from fupin.registry import views

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = [
    path("households/", views.household_list_view, name="household-list"),
    # Fixed paths before the household code and the generic action they would otherwise match.
    path("households/new/", views.household_new, name="household-new"),
    path("households/new/member-row/", views.member_row_partial, name="member-row"),
    path("households/<str:code>/", views.household_detail, name="household-detail"),
    path("households/<str:code>/edit/", views.household_edit, name="household-edit"),
    path("households/<str:code>/income-form/", views.income_form_partial, name="income-form"),
    path("households/<str:code>/members/<int:member_id>/edit/", views.member_edit, name="member-edit"),
    path("households/<str:code>/<slug:action>/", views.household_action, name="household-action"),
    path("monitoring/", views.monitoring_list_view, name="monitoring-list"),
]
