"""API endpoints of the duty app; urlpatterns are mounted under /api/ by fupin.web.urls."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
