from django.urls import URLPattern, URLResolver, path

from fupin.registry import views

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = [
    path("households/", views.household_list_view, name="household-list"),
    path("households/<str:code>/", views.household_detail, name="household-detail"),
    path("households/<str:code>/<slug:action>/", views.household_action, name="household-action"),
    path("monitoring/", views.monitoring_list_view, name="monitoring-list"),
]
