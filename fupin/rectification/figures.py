"""The `rectification` section of the figures document (spec/figures.md), as of a date.

A problem counts as found when found_date ≤ as_of; as rectified when its status is 已整改 or 已销号
and completed_date ≤ as_of; as closed when 已销号 and closed_date ≤ as_of; open = found − rectified;
overdue = open problems whose deadline is before as_of. Maps leave out categories and channels with
no problems.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet

from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.core.models import choice_label
from fupin.rectification.models import Channel, Problem, ProblemStatus
from fupin.registry.figures import CountyStatuses

DONE = (ProblemStatus.RECTIFIED, ProblemStatus.CLOSED)


def rectified_by(as_of: dt.date) -> Q:
    return Q(status__in=DONE, completed_date__lte=as_of)


def found_by(prefix: str, as_of: dt.date) -> QuerySet[Problem]:
    return Problem.objects.filter(area_code__startswith=prefix, found_date__lte=as_of)


def _status_counts(as_of: dt.date) -> dict[str, Count]:
    rectified = rectified_by(as_of)
    return {
        "found_count": Count("pk"),
        "rectified_count": Count("pk", filter=rectified),
        "closed_count": Count("pk", filter=Q(status=ProblemStatus.CLOSED, closed_date__lte=as_of)),
        "overdue_count": Count("pk", filter=~rectified & Q(deadline__lt=as_of)),
    }


# The maps' orders: categories in the county's order of categories, channels by their stored value.
CATEGORY_ORDER = ("category__order", "category__name")
CHANNEL_ORDER = ("channel",)


def rectification_section(area_code: str, as_of: dt.date) -> dict[str, Any]:
    found = found_by(areacode.prefix_of(area_code), as_of)
    counts = found.aggregate(**_status_counts(as_of))
    by_category = dict(found.values_list("category__name").annotate(n=Count("pk")).order_by(*CATEGORY_ORDER))
    by_channel = {
        choice_label(Channel, channel): n
        for channel, n in found.values_list("channel").annotate(n=Count("pk")).order_by(*CHANNEL_ORDER)
    }
    return _rectification_figures(counts, by_category, by_channel)


def rectification_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """rectification_section of every area of the county, from three queries grouped by area code.

    The maps keep the order the database sorts them in (as the raw section does): rows come sorted
    by the map's order first, so each area meets its keys in that order."""
    found = found_by(areacode.prefix_of(tree.county_code), as_of)
    counts: dict[str, Counter[str]] = {code: Counter() for code in tree.codes}
    for row in found.values("area_code").annotate(**_status_counts(as_of)).order_by():
        for code in tree.containing(row["area_code"]):
            counts[code].update({key: n for key, n in row.items() if key != "area_code"})
    # Grouped like the raw query (its ordering fields join its GROUP BY): by name and order.
    by_category: dict[str, dict[tuple[int, str], int]] = {code: {} for code in tree.codes}
    category_rows = (
        found.values_list(*CATEGORY_ORDER, "area_code").annotate(n=Count("pk")).order_by(*CATEGORY_ORDER)
    )
    for order, name, area_code, n in category_rows:
        for code in tree.containing(area_code):
            by_category[code][(order, name)] = by_category[code].get((order, name), 0) + n
    by_channel: dict[str, dict[str, int]] = {code: {} for code in tree.codes}
    channel_rows = found.values_list("channel", "area_code").annotate(n=Count("pk")).order_by(*CHANNEL_ORDER)
    for channel, area_code, n in channel_rows:
        for code in tree.containing(area_code):
            by_channel[code][channel] = by_channel[code].get(channel, 0) + n
    return {
        code: _rectification_figures(
            counts[code],
            {name: n for (_order, name), n in by_category[code].items()},
            {choice_label(Channel, channel): n for channel, n in by_channel[code].items()},
        )
        for code in tree.codes
    }


def _rectification_figures(
    counts: dict[str, int], by_category: dict[str, int], by_channel: dict[str, int]
) -> dict[str, Any]:
    return {
        "found": counts["found_count"],
        "rectified": counts["rectified_count"],
        "closed": counts["closed_count"],
        "open": counts["found_count"] - counts["rectified_count"],
        "overdue": counts["overdue_count"],
        "by_category": by_category,
        "by_channel": by_channel,
    }
