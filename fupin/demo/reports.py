"""The demo county's rollups, built once it is generated, so that the dashboard opens at once."""

from __future__ import annotations

from fupin.areas.models import Area
from fupin.demo.fieldwork import demo_month
from fupin.reports.figures import period_of
from fupin.reports.rollups.store import mark_stale_from_changes, rebuild
from fupin.reports.selectors import months_up_to


def build_demo_rollups(county_area: Area) -> int:
    """Builds the twelve months the dashboard opens on (its trend ends with the demo's month) and
    returns how many. The change log of the generation is read first, so that it does not mark them
    stale at once."""
    mark_stale_from_changes()
    first, _ = demo_month()
    months = months_up_to(f"{first:%Y-%m}", 12)
    for month in months:
        rebuild(county_area, period_of(month))
    return len(months)
