"""API endpoints of field work; urlpatterns are mounted under /api/ by fupin.web.urls."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
