"""Links from a figure to the page listing the records behind it (the drill-down)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from fupin.core.exceptions import ApplicationError
from fupin.reports.figures import parse_month
from fupin.reports.records import record_source

# Figures with no rows of their own link to the pages that already explain them.
REPORT_PAGES = {"indicators": "indicators:report", "projects": "indicators:project-list"}


def records_url(area_code: str, month: str, as_of: str | None, figure_path: str) -> str | None:
    """The records page of one figure of one area's document, or None when the figure has none."""
    section = figure_path.split(".", 1)[0]
    if section in REPORT_PAGES:
        return _report_url(REPORT_PAGES[section], area_code, month)
    if record_source(figure_path) is None:
        return None
    try:
        base = reverse("figure-records")
    except NoReverseMatch:
        return None
    query = {"area": area_code, "month": month, "figure": figure_path}
    if as_of:
        query["as_of"] = as_of
    return f"{base}?{urlencode(query)}"


def _report_url(name: str, area_code: str, month: str) -> str | None:
    """The indicator report or the project list of the area, for the month's year and month."""
    try:
        year, number = parse_month(month)
        base = reverse(name)
    except (ApplicationError, NoReverseMatch):
        return None
    return f"{base}?{urlencode({'area': area_code, 'year': year, 'month': number})}"
