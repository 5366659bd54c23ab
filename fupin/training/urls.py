"""Pages of the training app, each part's patterns kept beside its views."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from fupin.training.views import exams, taking, trainings

app_name = "training"
# The fixed paths (exams/mine/, training/new/) come before the ones that take a code.
urlpatterns: list[URLPattern | URLResolver] = [
    *taking.urlpatterns,
    *trainings.urlpatterns,
    *exams.urlpatterns,
]
