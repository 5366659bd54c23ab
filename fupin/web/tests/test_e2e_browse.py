"""A person signs in on a phone and on a desktop, finds an area, browses cadres and edits a phone number."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fupin.conftest import PASSWORD, Personas
from fupin.core.models import ChangeLog
from fupin.people.models import Cadre

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/cadres/")
    assert "/login/" in page.url
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/cadres/$"))


def _open_menu(page: Any) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()


def test_office_staff_browses_and_edits(page: Any, live_server: Any, personas: Personas) -> None:
    base = live_server.url
    _login(page, base, "office_staff")
    assert page.get_by_role("cell", name="G3").count() == 1
    assert page.get_by_text("G9").count() == 0  # the other county's cadre is not listed

    _open_menu(page)
    page.get_by_role("button", name="基础信息").click()
    page.get_by_role("link", name="行政区划").click()
    picker = page.get_by_placeholder("输入 略阳 / lueyang / ly")
    picker.fill("ly")
    result = page.locator("#area-picker-results a[data-code='610727000000']")
    result.wait_for()
    picker.fill("lueyang")
    page.locator("#area-picker-results a[data-code='610727000000']").click()
    page.wait_for_url(re.compile(r"/areas/610727000000/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("略阳县")

    page.goto(f"{base}/cadres/?q=sunkeyuan")
    page.get_by_role("link", name="G3").click()
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存。").wait_for()
    assert Cadre.objects.get(code="G3").phone == "13912345678"
    history = page.locator("#history")
    assert "139****5678" in history.inner_text() and "13912345678" not in history.inner_text()
    assert ChangeLog.objects.filter(object_type="people.cadre", actor_name="office_staff").count() == 1


def test_paired_cadre_sees_only_own_record_and_phone_field(
    page: Any, live_server: Any, personas: Personas
) -> None:
    base = live_server.url
    _login(page, base, "paired_cadre")
    codes = page.locator("tbody tr td:first-child").all_inner_texts()
    assert codes == ["G3"]
    page.get_by_role("link", name="G3").click()
    assert page.get_by_label("手机号码").is_visible()
    assert page.get_by_label("姓名").count() == 0
    assert page.get_by_test_id("id-number").inner_text() == personas.cadres["agri_cadre"].id_number
