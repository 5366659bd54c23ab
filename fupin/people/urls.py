from django.urls import path

from fupin.people import views

app_name = "people"
urlpatterns = [
    path("units/", views.unit_list_view, name="unit-list"),
    path("units/<str:code>/", views.unit_detail, name="unit-detail"),
    path("cadres/", views.cadre_list_view, name="cadre-list"),
    path("cadres/<str:code>/", views.cadre_detail, name="cadre-detail"),
    path("accounts/", views.account_list_view, name="account-list"),
]
