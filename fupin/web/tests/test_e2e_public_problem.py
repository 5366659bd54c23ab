"""On a phone (390×844), as a villager: scan the village's QR code (open its link), write a problem
with a photo, submit, get a tracking number, look it up and see 未整改. No login anywhere. And on a
desktop, the office records a symposium with its list of problems."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from fupin.conftest import PASSWORD, SYSTEM, Personas
from fupin.rectification.models import Channel, Evidence, Intake, Problem
from fupin.rectification.selectors.intake import village_token
from fupin.rectification.services.problems import categories_ensure_default
from fupin.web.tests.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # the live server runs in this process and stores photos there
    cache.clear()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "road.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (90, 90, 90)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_villager_reports_a_problem_and_follows_it(
    phone: Any, live_server: Any, personas: Personas, tmp_path: Path
) -> None:
    categories_ensure_default(actor=SYSTEM, county=personas.county.county)
    village = personas.county.village_a1
    page = phone
    page.goto(live_server.url + reverse("rectification:public-form", args=[village_token(village.code)]))
    assert "黄家坝村" in page.locator("header").inner_text()
    # Nothing sticks out sideways on a narrow phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("您要反映的问题").fill(
        "村口到三组的路灯坏了三个月，晚上孩子放学看不见路。<script>alert(1)</script>"
    )
    page.get_by_label("问题类别").select_option(label="基础设施")
    page.get_by_label("您的姓名（可不填）").fill("王大明")
    page.get_by_label("联系电话（可不填）").fill("13800138000")
    page.get_by_label("照片（可不传，不超过5MB）").set_input_files(str(_photo(tmp_path)))
    # The honeypot is out of sight, left of the screen.
    box = page.get_by_label("网址（请勿填写）").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0
    page.get_by_role("button", name="提交").click()

    page.wait_for_url(re.compile(r"/done/$"))
    page.get_by_text("已收到您反映的问题").wait_for()
    shown = page.get_by_test_id("tracking-number").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", shown)
    problem = Problem.objects.get()
    assert problem.tracking_number == shown.replace("-", "")
    assert (problem.channel, problem.intake, problem.area) == (
        Channel.FEEDBACK_FORM,
        Intake.PUBLIC_FORM,
        village,
    )
    assert (problem.category.name, problem.reporter_phone) == ("基础设施", "13800138000")
    assert Evidence.objects.filter(problem=problem, is_image=True).count() == 1

    page.get_by_role("link", name="查看办理进度", exact=True).click()
    page.wait_for_url(re.compile(r"/p/track/$"))
    # Typed as a villager would: lower case, without the dash.
    page.get_by_label("请输入查询码").fill(shown.replace("-", "").lower())
    page.get_by_role("button", name="查询").click()
    assert page.get_by_test_id("status").inner_text() == "未整改"
    # The text comes back as text, the script never runs.
    assert "<script>alert(1)</script>" in page.get_by_test_id("description").inner_text()
    assert page.locator("script:text('alert(1)')").count() == 0
    assert "13800138000" not in page.content()


def test_the_office_records_a_symposium_with_a_dynamic_list(
    browser: Any, live_server: Any, personas: Personas
) -> None:
    """Desktop: the office adds rows to the list of problems, removes one, and saves the rest."""
    categories_ensure_default(actor=SYSTEM, county=personas.county.county)
    context = browser.new_context(locale="zh-CN", **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + reverse("rectification:intake-create"))
    page.get_by_label("账号").fill("office_staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/rectification/intake/new/$"))
    assert page.get_by_label("日期").input_value() != ""
    page.get_by_label("区划", exact=True).select_option(label="　　黄家坝村")
    page.get_by_label("主题").fill("黄家坝村群众座谈会")
    page.get_by_label("参加人员").fill("王大明、李小红、张三")
    rows = page.locator("[data-problem-row]:visible")
    rows.nth(0).get_by_label("问题描述").fill("危房改造补助未到位")
    rows.nth(0).get_by_label("问题类别").select_option(label="住房安全")
    page.get_by_role("button", name="添加一条问题").click()
    rows.nth(1).get_by_label("问题描述").fill("写错了的一条")
    page.get_by_role("button", name="添加一条问题").click()
    rows.nth(2).get_by_label("问题描述").fill("村卫生室缺少常用药")
    rows.nth(2).get_by_label("问题类别").select_option(label="医疗保障")
    rows.nth(2).get_by_label("即知即改").check()
    rows.nth(1).get_by_role("button", name="删除这条").click()
    assert rows.count() == 2
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已登记“黄家坝村群众座谈会”，共2条问题。").wait_for()
    problems = Problem.objects.order_by("id")
    assert [(p.description, p.fix_at_once) for p in problems] == [
        ("危房改造补助未到位", False),
        ("村卫生室缺少常用药", True),
    ]
    assert {p.session.participant_count for p in problems} == {3}  # type: ignore[union-attr]
    assert "村卫生室缺少常用药" in page.locator("[data-session]").inner_text()
    context.close()
