"""On a phone (390×844) with a mocked position: a paired cadre checks in at a household and sees
有效; far away, sees why it is 无效; without a network, sees 待发送 and the check-in is sent once the
phone is online again, dated the day it was tapped; it survives a reload while offline; and a
resend after a lost answer does not make a second row."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image

from fupin.conftest import PASSWORD, Personas
from fupin.duty.models import Pairing
from fupin.duty.tests.conftest import make_household
from fupin.fieldwork.models import CheckIn
from fupin.fieldwork.tests.conftest import H1_POINT, VILLAGE_A1, north_of
from fupin.web.tests.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUBMIT = "**/fieldwork/checkin/submit/"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # the live server runs in this process and stores photos there


@pytest.fixture
def households(personas: Personas) -> None:
    """The persona county with coordinates: 孙科员 (G3, paired_cadre) helps 王大明户 of 黄家坝村."""
    village = personas.county.village_a1
    village.longitude, village.latitude = VILLAGE_A1
    village.save(update_fields=["longitude", "latitude"])
    h1 = make_household("H1", village, head_name="王大明", longitude=H1_POINT[0], latitude=H1_POINT[1])
    Pairing.objects.create(cadre=personas.cadres["agri_cadre"], household=h1, start_date=dt.date(2019, 1, 1))


def _position(point: tuple[Decimal, Decimal], accuracy: float) -> dict[str, float]:
    return {"longitude": float(point[0]), "latitude": float(point[1]), "accuracy": accuracy}


@pytest.fixture
def phone(browser: Any) -> Iterator[tuple[Any, Any]]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    context.grant_permissions(["geolocation"])
    context.set_geolocation(_position(H1_POINT, 15))
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield context, page
    context.close()


def _jpeg(width: int = 2400, height: int = 1800) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 90)).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


PHOTO = _jpeg()


def _open(page: Any, base: str) -> None:
    page.goto(f"{base}/fieldwork/checkin/")
    if "/login/" in page.url:
        page.get_by_label("账号").fill("paired_cadre")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/fieldwork/checkin/$"))
    page.get_by_role("heading", name="打卡", exact=True).wait_for()


def _take_photo(page: Any) -> None:
    page.get_by_label("现场照片").set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}]
    )
    page.locator("#checkin-photo-note", has_text="KB").wait_for()


def _tap(page: Any) -> None:
    page.get_by_role("button", name="打卡", exact=True).click()


def _verdict(page: Any, kind: str) -> Any:
    verdict = page.locator(f"#checkin-result [data-verdict='{kind}']").last
    verdict.wait_for()
    return verdict


def test_check_in_valid_then_invalid_then_offline_sent_once_online(
    phone: tuple[Any, Any], live_server: Any, households: None
) -> None:
    context, page = phone
    _open(page, live_server.url)
    assert page.get_by_label("农户").input_value() == "H1"
    location = page.locator("#checkin-location")
    location.get_by_text("已定位").wait_for()
    assert "经度 106.172000，纬度 33.342000，精度 15 米" in location.inner_text()

    # At the household: 有效. The photo arrives shrunk to at most 1600 px.
    _take_photo(page)
    page.get_by_label("工作内容").fill("了解务工收入")
    _tap(page)
    assert _verdict(page, "valid").inner_text().startswith("有效")
    first = CheckIn.objects.get()
    assert (first.valid, first.source, first.notes) == (True, "phone", "了解务工收入")
    assert first.household is not None and first.household.code == "H1"
    with Image.open(first.photo.path) as stored:
        assert max(stored.size) == 1600 and stored.format == "JPEG"
    assert page.get_by_label("工作内容").input_value() == ""  # the form is ready for the next one

    # 3.2 km to the north: 无效, with the reason in Chinese.
    context.set_geolocation(_position(north_of(H1_POINT, 3200), 15))
    _take_photo(page)
    _tap(page)
    assert "距离农户3.2公里，超出2公里范围" in _verdict(page, "invalid").inner_text()
    assert CheckIn.objects.count() == 2

    # Offline, late yesterday evening by the phone's clock: kept on the phone as 待发送.
    context.set_geolocation(_position(H1_POINT, 15))
    tapped = timezone.localtime().replace(hour=21, minute=15, second=0, microsecond=0) - dt.timedelta(days=1)
    page.clock.set_fixed_time(tapped)
    context.set_offline(True)
    _take_photo(page)
    _tap(page)
    assert "待发送" in _verdict(page, "pending").inner_text()
    queue = page.locator("#checkin-queue [data-queued]")
    assert queue.count() == 1 and "待发送" in queue.inner_text()
    assert CheckIn.objects.count() == 2
    page.clock.set_fixed_time(timezone.now())

    # Online again: sent by itself, exactly once, dated the day of the tap.
    context.set_offline(False)
    sent = page.locator("#checkin-result [data-verdict='valid']", has_text="已发送离线打卡")
    sent.wait_for()
    assert page.locator("#checkin-queue").is_hidden()
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a second nudge sends nothing more
    page.wait_for_timeout(500)
    assert CheckIn.objects.count() == 3
    latest = CheckIn.objects.order_by("-id").first()
    assert latest is not None
    assert (latest.date, latest.time) == (tapped.date(), dt.time(21, 15))
    assert latest.recorded_at == tapped
    assert latest.valid and latest.idempotency_key


def test_a_queued_check_in_survives_a_reload_and_a_lost_answer(
    phone: tuple[Any, Any], live_server: Any, households: None
) -> None:
    context, page = phone
    base = live_server.url
    _open(page, base)
    page.locator("#checkin-location").get_by_text("已定位").wait_for()

    # The service worker keeps the page: tapped offline, the page is reloaded while still offline
    # (served from the phone's cache, the queued check-in still shown), and sent once online.
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    context.set_offline(True)
    _take_photo(page)
    _tap(page)
    _verdict(page, "pending")
    page.reload()
    page.get_by_role("heading", name="打卡", exact=True).wait_for()
    assert "待发送" in page.locator("#checkin-queue [data-queued]").inner_text()
    assert CheckIn.objects.count() == 0
    context.set_offline(False)
    page.locator("#checkin-result [data-verdict='valid']").last.wait_for()
    assert CheckIn.objects.count() == 1
    _open(page, base)

    # The answer is lost on the way back: the server wrote the check-in, the phone keeps it queued.
    def lose_answer(route: Any) -> None:
        route.fetch()
        route.abort()

    page.route(SUBMIT, lose_answer)
    _take_photo(page)
    _tap(page)
    assert "待发送" in _verdict(page, "pending").inner_text()
    assert CheckIn.objects.count() == 2
    key = page.locator("#checkin-queue [data-queued]").get_attribute("data-queued")
    assert CheckIn.objects.filter(idempotency_key=key).count() == 1

    # Sent again after a reload: the server answers with the first one; nothing new is written.
    page.unroute(SUBMIT)
    page.reload()
    again = _verdict(page, "valid")
    assert "此前已发送过，未重复记录" in again.inner_text()
    assert page.locator("#checkin-queue").is_hidden()
    assert CheckIn.objects.count() == 2
    assert CheckIn.objects.filter(idempotency_key=key).count() == 1

    # Without permission to locate: told so, and the check-in is still taken, as invalid.
    context.clear_permissions()
    page.reload()
    page.locator("#checkin-location").get_by_text("未获得定位权限").wait_for()
    _take_photo(page)
    _tap(page)
    assert "未获取到定位坐标" in _verdict(page, "invalid").inner_text()
    assert CheckIn.objects.count() == 3

    # 我的打卡 lists all three, with the reason of the invalid one.
    page.goto(f"{base}/fieldwork/checkin/mine/")
    assert page.locator("[data-checkin]").count() == 3
    assert "未获取到定位坐标；缺少定位精度" in page.locator("#my-checkins").inner_text()
