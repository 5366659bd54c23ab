"""Pages of the employment app, each part's patterns kept beside its views."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from fupin.employment.views import laborers, postings, programme_forms, programmes

app_name = "employment"
urlpatterns: list[URLPattern | URLResolver] = [
    *laborers.urlpatterns,
    *postings.urlpatterns,
    *programmes.urlpatterns,
    *programme_forms.urlpatterns,
]
