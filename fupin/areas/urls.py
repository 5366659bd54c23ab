from django.urls import path

from fupin.areas import views

app_name = "areas"
urlpatterns = [
    path("", views.area_tree, name="tree"),
    path("picker/", views.area_picker, name="picker"),
    # Before "<code>/", which would take "settings" for an area code.
    path("settings/", views.county_settings, name="settings"),
    path("<str:code>/", views.area_detail, name="detail"),
    path("<str:code>/children/", views.area_children_partial, name="children"),
]
