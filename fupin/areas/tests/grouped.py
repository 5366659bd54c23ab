"""Checks shared by the tests of the grouped figure builders (`<section>_by_area`): the grouped dict
of every area is the per-area section's, to the key order and the types, and the number of queries
does not grow with the number of villages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.areas.models import Area
from fupin.areas.services import areas_upsert
from fupin.areas.tree import CountyTree, county_tree
from fupin.conftest import SYSTEM

COUNTY = "610727000000"


def tree() -> CountyTree:
    return county_tree(Area.objects.get(code=COUNTY))


def as_text(section: Any) -> str:
    """The section as JSON with each value's type: 1, 1.0 and Decimal('1') differ, and so does the
    order of keys in a map."""
    return json.dumps(section, ensure_ascii=False, default=repr)


def assert_same_as_raw(grouped: dict[str, dict[str, Any]], raw: Callable[[str], dict[str, Any]]) -> None:
    codes = tree().codes
    assert set(grouped) == set(codes)
    for code in codes:
        expected = raw(code)
        assert grouped[code] == expected, code
        assert as_text(grouped[code]) == as_text(expected), code


def add_villages(town_code: str, count: int, start: int = 300) -> list[str]:
    """More villages in a town, for query ceilings that must not grow with them."""
    codes = [f"{town_code[:9]}{start + n:03d}" for n in range(count)]
    areas_upsert(
        actor=SYSTEM,
        rows=[
            {"code": code, "name": f"新村{n}", "is_poor_village": False, "longitude": None, "latitude": None}
            for n, code in enumerate(codes)
        ],
    )
    return codes


def queries_by_villages(
    build: Callable[[CountyTree], object], town_code: str = "610727101000"
) -> tuple[int, int]:
    """The queries of build(tree) on the county as it is, then with 25 more villages in a town."""

    def queries() -> int:
        county = tree()
        with CaptureQueriesContext(connection) as captured:
            build(county)
        return len(captured)

    before = queries()
    add_villages(town_code, 25)
    return before, queries()
