"""Links from a figure to the page listing the records behind it (the drill-down)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def records_url(area_code: str, month: str, as_of: str | None, figure_path: str) -> str | None:
    """The records page of one figure of one area's document, or None when the figure has none."""
    try:
        base = reverse("figure-records")
    except NoReverseMatch:
        return None
    query = {"area": area_code, "month": month, "figure": figure_path}
    if as_of:
        query["as_of"] = as_of
    return f"{base}?{urlencode(query)}"
