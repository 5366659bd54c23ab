"""On a phone (390×844) a village work team fills the village's monthly report: a value against the
rule is refused with the reason under the indicator and nothing saved; corrected, it is saved; then
submitted, and the form is locked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from fupin.conftest import PASSWORD
from fupin.indicators.models import DataValue, Report, ReportStatus
from fupin.indicators.tests.conftest import Ind
from fupin.web.tests.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_work_team_enters_sees_the_rule_saves_and_submits_on_a_phone(
    phone: Any, live_server: Any, ind: Ind
) -> None:
    page = phone
    page.goto(f"{live_server.url}/indicators/entry/CJ/?area=610727100200&year=2019&period=11")
    page.get_by_label("账号").fill("work_team")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/indicators/entry/CJ/"))
    page.get_by_role("heading", name=re.compile("村级经济月报")).wait_for()
    assert page.viewport_size == {"width": 390, "height": 844}

    page.get_by_label("村集体经济收入（万元）").fill("12.5")
    page.get_by_label("公益岗位在岗人数（人）").fill("50")
    page.get_by_label("脱贫劳动力人数（人）").fill("40")
    page.get_by_label("村集体经济收入说明").fill("含光伏分红")
    page.get_by_role("button", name="保存").click()
    error = page.get_by_test_id("error-CJ02")
    error.wait_for()
    assert error.inner_text() == "“公益岗位在岗人数”（50）不应大于“脱贫劳动力人数”（40）"
    assert not DataValue.objects.exists()
    # The refused values stay in the form, so the cadre corrects one number, not all of them.
    assert page.get_by_label("村集体经济收入（万元）").input_value() == "12.5"

    page.get_by_label("公益岗位在岗人数（人）").fill("3")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存").wait_for()
    saved = DataValue.objects.get(indicator__code="CJ01")
    assert (saved.value, saved.comment) == (Decimal("12.5"), "含光伏分红")

    page.get_by_role("button", name="上报").click()
    page.get_by_test_id("report-status").filter(has_text="已上报").wait_for()
    assert Report.objects.get().status == ReportStatus.SUBMITTED
    assert page.get_by_label("村集体经济收入（万元）").get_attribute("readonly") is not None
    assert page.get_by_role("button", name="保存").count() == 0
    assert "work_team 上报" in page.get_by_test_id("events").inner_text()
