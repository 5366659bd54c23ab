"""Helpers for the tests of the grouped figure builders (`<section>_by_area`): every area of the
county must get exactly what the raw section gives it, and the number of queries must not grow with
the number of areas."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.areas.models import Area
from fupin.areas.services import area_create
from fupin.areas.tree import CountyTree, county_tree
from fupin.conftest import SYSTEM
from fupin.registry.figures import CountyStatuses, county_statuses

ByArea = Callable[[CountyTree, int, int, dt.date, CountyStatuses], dict[str, dict[str, Any]]]
Raw = Callable[[Area, dt.date], dict[str, Any]]


def grouped(
    by_area: ByArea, county: Area, year: int, month: int, as_of: dt.date
) -> dict[str, dict[str, Any]]:
    tree = county_tree(county)
    return by_area(tree, year, month, as_of, county_statuses(county.code, as_of))


def assert_same_as_raw(
    by_area: ByArea, raw: Raw, county: Area, year: int, month: int, as_of: dt.date
) -> None:
    """`by_area` gives every area of the county the dict `raw` gives it: same values, same key order
    (compared as JSON text, which keeps the order of maps), for areas with and without records."""
    tree = county_tree(county)
    got = by_area(tree, year, month, as_of, county_statuses(county.code, as_of))
    assert list(got) == list(tree.codes)
    for area in tree.areas:
        expected = raw(area, as_of)
        assert got[area.code] == expected, area.code
        assert json.dumps(got[area.code], ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def queries_of(by_area: ByArea, county: Area, year: int, month: int, as_of: dt.date) -> int:
    """The queries one call of `by_area` makes (the tree and the statuses read before it)."""
    tree = county_tree(county)
    statuses = county_statuses(county.code, as_of)
    with CaptureQueriesContext(connection) as context:
        by_area(tree, year, month, as_of, statuses)
    return len(context.captured_queries)


def more_villages(town: Area, count: int, first: int = 300) -> list[Area]:
    """`count` more villages in `town` (codes from `first`), every other one a poor village."""
    return [
        area_create(
            actor=SYSTEM,
            code=f"{town.code[:9]}{first + n:03d}",
            name=f"新增村{n}",
            is_poor_village=n % 2 == 0,
        )
        for n in range(count)
    ]
