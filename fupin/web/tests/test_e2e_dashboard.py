"""A county leader walks the 驾驶舱 on a phone and on a desktop: opens it, sees the charts drawn,
opens a town from its bar, changes the area and the month, follows a figure to its records and
downloads the briefing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fupin.conftest import Personas
from fupin.fieldwork.tests.factories import fits_the_phone, sign_in
from fupin.people.tests.helpers import COUNTY, TOWN_A
from fupin.reports.links import records_url
from fupin.reports.selectors import figures_for
from fupin.reports.tests.helpers import MONTH, add_dashboard_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _chart_drawn(page: Any, chart_id: str) -> bool:
    canvas = page.locator(f"#{chart_id} canvas").first
    canvas.wait_for()
    box = canvas.bounding_box()
    return bool(box and box["width"] > 100 and box["height"] > 100)


def _first_bar_point(page: Any) -> tuple[float, float]:
    """A point on the screen inside the first town's bars: the centre of its group, at 0.5 (each of
    its bars is at least 1 high)."""
    return tuple(
        page.evaluate(
            """() => {
              const element = document.getElementById("chart-children");
              // Instantly: Bootstrap makes scrolling smooth, and the box would be read mid-way.
              element.scrollIntoView({block: "center", behavior: "instant"});
              const [x, y] = echarts.getInstanceByDom(element).convertToPixel({seriesIndex: 0}, [0, 0.5]);
              const box = element.getBoundingClientRect();
              return [box.left + x, box.top + y];
            }"""
        )
    )


def test_a_county_leader_walks_the_dashboard(
    page: Any, live_server: Any, personas: Personas, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    add_dashboard_data(personas)
    base = live_server.url
    sign_in(page, base, "county_leader")

    page.goto(f"{base}/reports/dashboard/?area={COUNTY}&month={MONTH}")
    page.get_by_role("heading", level=1).filter(has_text="驾驶舱").wait_for()
    for chart in ("chart-trend", "chart-children", "chart-status", "chart-map"):
        assert _chart_drawn(page, chart), chart
    poor = page.locator('a.figure[data-figure="registry.poor_households"]')
    assert poor.inner_text() == str(figures_for(personas.county.county, MONTH)["registry"]["poor_households"])
    assert fits_the_phone(page)

    # The charts follow the window: narrower by 100 px, each canvas fits the new width.
    size = dict(page.viewport_size)
    page.set_viewport_size({"width": size["width"] - 100, "height": size["height"]})
    page.wait_for_function(
        "width => [...document.querySelectorAll('.dash-chart canvas')]"
        ".every(c => c.getBoundingClientRect().right <= width)",
        arg=size["width"] - 100,
    )
    page.set_viewport_size(size)

    # A bar of the town comparison opens that town's dashboard.
    page.mouse.click(*_first_bar_point(page))
    page.wait_for_url(re.compile(rf"area={TOWN_A}&month={MONTH}"))
    page.goto(f"{base}/reports/dashboard/?area={COUNTY}&month={MONTH}")

    page.locator("#pick-area").select_option(TOWN_A)
    page.wait_for_url(re.compile(rf"area={TOWN_A}"))
    page.locator("#pick-month").fill("2019-10")
    page.wait_for_url(re.compile(r"month=2019-10"))
    assert "兴州街道 · 2019-10" in page.get_by_role("heading", level=1).inner_text()
    assert _chart_drawn(page, "chart-trend")
    assert fits_the_phone(page)

    figure = page.locator('a.figure[data-figure="rectification.found"]')
    assert figure.inner_text() == str(
        figures_for(personas.county.town_a, "2019-10")["rectification"]["found"]
    )
    href = figure.get_attribute("href")
    assert href == records_url(TOWN_A, "2019-10", None, "rectification.found")
    figure.click()
    page.wait_for_url(re.compile(r"/reports/records/\?"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("检视问题"), heading
    total = page.get_by_test_id("records-total").inner_text()
    assert int(total) == figures_for(personas.county.town_a, "2019-10")["rectification"]["found"]
    page.go_back()

    with page.expect_download() as download:
        page.get_by_role("link", name="下载工作简报").click()
    assert download.value.suggested_filename.endswith(".docx")
    assert download.value.path().read_bytes()[:2] == b"PK"  # a Word file is a zip
    assert f"area={TOWN_A}&month=2019-10&format=docx" in download.value.url
