from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from fupin.areas import api as areas_api
from fupin.duty import api as duty_api
from fupin.employment import api as employment_api
from fupin.fieldwork import api as fieldwork_api
from fupin.indicators import api as indicators_api
from fupin.industry import api as industry_api
from fupin.people import api as people_api
from fupin.registry import api as registry_api
from fupin.reports import api as reports_api
from fupin.training import api as training_api
from fupin.web import views

api_patterns: list[URLPattern | URLResolver] = [
    path("", include(fieldwork_api.urlpatterns)),
    path("", views.api_root, name="api-root"),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("areas/", areas_api.AreaListApi.as_view(), name="api-area-list"),
    path("areas/search/", areas_api.AreaSearchApi.as_view(), name="api-area-search"),
    path("areas/<str:code>/", areas_api.AreaDetailApi.as_view(), name="api-area-detail"),
    path("units/", people_api.UnitListApi.as_view(), name="api-unit-list"),
    path("units/<str:code>/", people_api.UnitDetailApi.as_view(), name="api-unit-detail"),
    path("cadres/", people_api.CadreListApi.as_view(), name="api-cadre-list"),
    path("cadres/<str:code>/", people_api.CadreDetailApi.as_view(), name="api-cadre-detail"),
    path("", include(registry_api.urlpatterns)),
    path("", include(duty_api.urlpatterns)),
    path("", include(indicators_api.urlpatterns)),
    path("", include(employment_api.urlpatterns)),
    path("", include(reports_api.urlpatterns)),
    path("", include(training_api.urlpatterns)),
    path("", include(industry_api.urlpatterns)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    # The API first, the check-in door first in it: every request walks the patterns in order, and
    # the apps' check-ins are the most frequent request of all.
    path("api/", include(api_patterns)),
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("areas/", include("fupin.areas.urls")),
    path("", include("fupin.people.urls")),
    path("ledgers/", include("fupin.ledgers.urls")),
    path("", include("fupin.registry.urls")),
    path("", include("fupin.duty.urls")),
    path("", include("fupin.fieldwork.urls")),
    path("", include("fupin.rectification.urls")),
    path("", include("fupin.training.urls")),
    path("", include("fupin.indicators.urls")),
    path("", include("fupin.employment.urls")),
    path("", include("fupin.industry.urls")),
    path("reports/", include("fupin.reports.urls")),
]
