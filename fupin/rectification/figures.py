"""The `rectification` section of the figures document (spec/figures.md), as of a date.

A problem counts as found when found_date ≤ as_of; as rectified when its status is 已整改 or 已销号
and completed_date ≤ as_of; as closed when 已销号 and closed_date ≤ as_of; open = found − rectified;
overdue = open problems whose deadline is before as_of. Maps leave out categories and channels with
no problems.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.rectification.models import Channel, Problem, ProblemStatus

DONE = (ProblemStatus.RECTIFIED, ProblemStatus.CLOSED)


def rectified_by(as_of: dt.date) -> Q:
    return Q(status__in=DONE, completed_date__lte=as_of)


def rectification_section(area_code: str, as_of: dt.date) -> dict[str, Any]:
    found = Problem.objects.filter(area_code__startswith=areacode.prefix_of(area_code), found_date__lte=as_of)
    rectified = rectified_by(as_of)
    counts = found.aggregate(
        found_count=Count("pk"),
        rectified_count=Count("pk", filter=rectified),
        closed_count=Count("pk", filter=Q(status=ProblemStatus.CLOSED, closed_date__lte=as_of)),
        overdue_count=Count("pk", filter=~rectified & Q(deadline__lt=as_of)),
    )
    by_category = dict(
        found.values_list("category__name")
        .annotate(n=Count("pk"))
        .order_by("category__order", "category__name")
    )
    by_channel = {
        choice_label(Channel, channel): n
        for channel, n in found.values_list("channel").annotate(n=Count("pk")).order_by("channel")
    }
    return {
        "found": counts["found_count"],
        "rectified": counts["rectified_count"],
        "closed": counts["closed_count"],
        "open": counts["found_count"] - counts["rectified_count"],
        "overdue": counts["overdue_count"],
        "by_category": by_category,
        "by_channel": by_channel,
    }
