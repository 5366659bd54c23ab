"""The `fieldwork` section of the figures document (spec/figures.md)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet

from fupin.areas.models import Area
from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.fieldwork.models import CheckIn
from fupin.fieldwork.selectors.compliance import month_period, quota_figures, quota_figures_by_area
from fupin.registry.figures import CountyStatuses


def _checkins_in_month(prefix: str, year: int, month: int) -> QuerySet[CheckIn]:
    period = month_period(year, month)
    return CheckIn.objects.filter(area_code__startswith=prefix, date__gte=period.start, date__lte=period.end)


VALIDITY_COUNTS = {
    "valid_count": Count("pk", filter=Q(valid=True)),
    "invalid_count": Count("pk", filter=Q(valid=False)),
}


def fieldwork_section(area: Area, year: int, month: int, as_of: dt.date) -> dict[str, Any]:
    counts = _checkins_in_month(areacode.prefix_of(area.code), year, month).aggregate(**VALIDITY_COUNTS)
    return {
        "valid_checkins": counts["valid_count"],
        "invalid_checkins": counts["invalid_count"],
        "quota": quota_figures(area, year, month, as_of),
    }


def fieldwork_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """fieldwork_section of every area of the county: the month's check-ins counted per area code in
    one query, and the county's cadres judged once for the quota."""
    valid: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    per_code = (
        _checkins_in_month(areacode.prefix_of(tree.county_code), year, month)
        .values_list("area_code")
        .annotate(**VALIDITY_COUNTS)
        .order_by()
    )
    for code, valid_count, invalid_count in per_code:
        for area_code in tree.containing(code):
            valid[area_code] += valid_count
            invalid[area_code] += invalid_count
    quota = quota_figures_by_area(tree, year, month, as_of)
    return {
        code: {"valid_checkins": valid[code], "invalid_checkins": invalid[code], "quota": quota[code]}
        for code in tree.codes
    }
