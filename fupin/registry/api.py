"""API endpoints of the registry app; urlpatterns are mounted under /api/ by fupin.web.urls."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
