"""rectification_by_area gives every area of the county what rectification_section gives it (maps in
the same order), in a fixed number of queries however many villages the county has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fupin.areas.models import Area
from fupin.areas.tests.by_area import assert_same_as_raw, grouped, more_villages, queries_of
from fupin.areas.tree import county_tree
from fupin.conftest import SYSTEM
from fupin.rectification.figures import rectification_by_area, rectification_section
from fupin.rectification.models import Channel
from fupin.rectification.services.problems import categories_ensure_default
from fupin.rectification.tests.conftest import Rect
from fupin.rectification.tests.test_figures import _problems
from fupin.registry.figures import county_statuses

D = dt.date
MONTH_END, MID_MONTH = D(2019, 10, 31), D(2019, 10, 4)


def build(rect: Rect) -> None:
    """The hand-counted problems (villages A1 and B1), plus one found in the county itself, one in
    town A, one in village A2 and one in another county."""
    _problems(rect)
    c = rect.county
    rect.file("县级问题", area=c.county, category="教育保障", found=D(2019, 10, 2), channel=Channel.SYMPOSIUM)
    rect.file("镇级问题", area=c.town_a, category="医疗保障", found=D(2019, 10, 6))
    rect.file("村级问题", area=c.village_a2, category="信访矛盾纠纷", found=D(2019, 10, 3))
    theirs = categories_ensure_default(actor=SYSTEM, county=c.other_county)
    other = Rect(rect.personas, c, {category.name: category for category in theirs})
    other.file("外县问题", area=c.other_county, found=D(2019, 10, 2), responsible_unit=c.other_unit)


def raw(area: Area, as_of: dt.date) -> dict[str, Any]:
    return rectification_section(area.code, as_of)


@pytest.mark.parametrize("as_of", [MONTH_END, MID_MONTH])
def test_every_area_gets_what_the_raw_section_gives_it(rect: Rect, as_of: dt.date) -> None:
    build(rect)
    county = rect.county.county
    assert_same_as_raw(rectification_by_area, raw, county, 2019, 10, as_of)
    figures = grouped(rectification_by_area, county, 2019, 10, as_of)
    # The county's own problem counts in the county only.
    assert figures[county.code]["by_category"].get("教育保障") == 1
    assert "教育保障" not in figures[rect.county.town_a.code]["by_category"]
    # On the 4th, problems found later (P5 in A1, the town's own) are not yet found.
    town_a_found = figures[rect.county.town_a.code]["found"]
    assert town_a_found == (3 + 1 if as_of == MID_MONTH else 4 + 1 + 1)


def test_queries_do_not_grow_with_villages(rect: Rect, django_assert_max_num_queries: Any) -> None:
    build(rect)
    county = rect.county.county
    before = queries_of(rectification_by_area, county, 2019, 10, MONTH_END)
    for village in more_villages(rect.county.town_b, 5):
        rect.file(
            "新村问题", area=village, category="产业发展", found=D(2019, 10, 9), channel=Channel.DINGTALK
        )
    assert queries_of(rectification_by_area, county, 2019, 10, MONTH_END) == before
    tree, statuses = county_tree(county), county_statuses(county.code, MONTH_END)
    with django_assert_max_num_queries(3):
        figures = rectification_by_area(tree, 2019, 10, MONTH_END, statuses)
    assert figures[rect.county.town_b.code]["by_category"] == {"信访矛盾纠纷": 1, "产业发展": 5}
    assert list(figures[rect.county.town_b.code]["by_channel"]) == ["钉钉", "个别谈话"]  # dingtalk < talk
    assert_same_as_raw(rectification_by_area, raw, county, 2019, 10, MONTH_END)
