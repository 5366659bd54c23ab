"""Pages of the industry app, each part's patterns kept beside its views."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from fupin.industry.views import (
    entities,
    finance,
    funds,
    industries,
    insurance,
    mutual_aid,
    solar,
    stations,
    subsidies,
)

app_name = "industry"
urlpatterns: list[URLPattern | URLResolver] = [
    *industries.urlpatterns,
    *subsidies.urlpatterns,
    *finance.urlpatterns,
    *entities.urlpatterns,
    *funds.urlpatterns,
    *insurance.urlpatterns,
    *mutual_aid.urlpatterns,
    *stations.urlpatterns,
    *solar.urlpatterns,
]
