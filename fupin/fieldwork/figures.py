"""The `fieldwork` section of the figures document (spec/figures.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.fieldwork.models import CheckIn
from fupin.fieldwork.selectors.compliance import month_period, quota_figures


def fieldwork_section(area: Area, year: int, month: int, as_of: dt.date) -> dict[str, Any]:
    period = month_period(year, month)
    counts = CheckIn.objects.filter(
        area_code__startswith=areacode.prefix_of(area.code), date__gte=period.start, date__lte=period.end
    ).aggregate(
        valid_count=Count("pk", filter=Q(valid=True)), invalid_count=Count("pk", filter=Q(valid=False))
    )
    return {
        "valid_checkins": counts["valid_count"],
        "invalid_checkins": counts["invalid_count"],
        "quota": quota_figures(area, year, month, as_of),
    }
