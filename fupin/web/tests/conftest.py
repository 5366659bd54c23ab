"""Pages of the end-to-end tests in phone and desktop sizes; the session's browser is in fupin/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fupin.conftest import CHROMIUM as CHROMIUM

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture(params=["phone", "desktop"])
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", **(PHONE if request.param == "phone" else DESKTOP))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
