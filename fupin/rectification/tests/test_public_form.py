"""The villagers' public form, reached by a village's signed QR link: what it files, its abuse cases
(flooding, oversized and non-image uploads, script in text, bad links, the honeypot, CSRF), the
lookup by tracking number, and the printable posters."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core import ratelimit
from fupin.rectification.models import Channel, Evidence, Intake, Origin, Problem, ProblemCategory
from fupin.rectification.selectors.intake import VILLAGE_TOKEN_SALT, village_token
from fupin.rectification.services.workflow import problem_start
from fupin.rectification.tests.conftest import Rect
from fupin.rectification.views import public

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _url(rect: Rect, village: Any = None) -> str:
    return reverse(
        "rectification:public-form", args=[village_token((village or rect.county.village_a1).code)]
    )


def _post(client: Client, url: str, ip: str = "10.0.0.1", **fields: Any) -> Any:
    data = {"description": "村里的路灯坏了三个月没人修", "category": "__unknown__", **fields}
    return client.post(url, data, REMOTE_ADDR=ip)


def _jpeg(size: tuple[int, int] = (64, 48), exif: bool = False) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {1: "N", 2: (33.0, 20.0, 0.0)}  # GPS
        image.save(buffer, format="JPEG", exif=data)
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def _tracking(response: Any) -> str:
    match = re.search(r'data-testid="tracking-number">([A-Z0-9-]+)<', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


# -- filing --------------------------------------------------------------------------------------
def test_a_villager_files_a_problem_for_the_village_of_the_code(rect: Rect) -> None:
    client = Client()
    page = client.get(_url(rect))
    assert page.status_code == 200
    assert "黄家坝村" in page.content.decode() and "不清楚" in page.content.decode()
    response = _post(
        client, _url(rect), category="住房安全", reporter_name="王大明", reporter_phone="138 0013 8000"
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.channel, problem.origin, problem.intake) == (
        Channel.FEEDBACK_FORM,
        Origin.PUBLIC,
        Intake.PUBLIC_FORM,
    )
    assert (problem.area, problem.category.name) == (rect.county.village_a1, "住房安全")
    assert (problem.reporter_name, problem.reporter_phone) == ("王大明", "13800138000")
    assert problem.created_by is None and len(problem.tracking_number) == 10
    done = client.get(response["Location"])
    assert _tracking(done).replace("-", "") == problem.tracking_number


def test_not_knowing_the_category_files_under_other_or_else_the_first(rect: Rect) -> None:
    _post(Client(), _url(rect))
    assert Problem.objects.get().category.name == "其他"
    ProblemCategory.objects.filter(name="其他").update(name="其它事项")  # a county without 其他
    _post(Client(), _url(rect), ip="10.0.0.2")
    assert Problem.objects.latest("id").category.name == "易地搬迁宅基地腾退"


def test_anonymous_leaves_no_name_or_phone(rect: Rect) -> None:
    response = _post(
        Client(), _url(rect), anonymous="on", reporter_name="王大明", reporter_phone="not a phone"
    )
    assert response.status_code == 302
    assert Problem.objects.values_list("reporter_name", "reporter_phone").get() == ("", "")


def test_a_bad_phone_or_a_long_text_is_refused_and_nothing_written(rect: Rect) -> None:
    response = _post(Client(), _url(rect), reporter_phone="12345")
    assert response.status_code == 400
    assert "手机号码应为以1开头的11位数字" in response.content.decode()
    response = _post(Client(), _url(rect), description="字" * 1001)
    assert response.status_code == 400
    assert "不能超过1000字" in response.content.decode()
    response = _post(Client(), _url(rect), description="   ")
    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_a_photo_is_kept_as_evidence_without_what_the_phone_wrote_into_it(rect: Rect) -> None:
    photo = SimpleUploadedFile("IMG_0001.jpg", _jpeg(exif=True), content_type="image/jpeg")
    assert _post(Client(), _url(rect), photo=photo).status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.is_image, evidence.uploaded_by, evidence.problem) == (True, None, Problem.objects.get())
    with Image.open(evidence.file) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (64, 48)
        assert not stored.getexif()


def test_an_oversized_upload_is_refused_and_nothing_written(rect: Rect) -> None:
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), content_type="image/jpeg")
    response = _post(Client(), _url(rect), photo=big)
    assert response.status_code == 400
    assert "照片不能超过5MB" in response.content.decode()
    assert not Problem.objects.exists() and not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"just text"),
        ("truncated.jpg", _jpeg()[:40]),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(rect: Rect, name: str, content: bytes) -> None:
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = _post(Client(), _url(rect), photo=upload)
    assert response.status_code == 400
    assert "上传的文件不是照片" in response.content.decode()
    assert not Problem.objects.exists() and not Evidence.objects.exists()


def test_the_honeypot_files_nothing(rect: Rect) -> None:
    response = _post(Client(), _url(rect), website="http://spam.example")
    assert response.status_code == 400
    assert "提交未通过校验" in response.content.decode()
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "610727100200",  # a code without a signature
        "610727100200:forged",
        "610727101200:" + village_token("610727100200").split(":")[1],  # another village's signature
        signing.Signer(salt="another-use").sign("610727100200"),
    ],
)
def test_a_bad_village_link_files_nothing(rect: Rect, token: str) -> None:
    url = reverse("rectification:public-form", args=[token])
    page = Client().get(url)
    assert page.status_code == 404
    assert "二维码或链接无效" in page.content.decode()
    assert _post(Client(), url).status_code == 404
    assert not Problem.objects.exists()


def test_a_signed_code_of_a_town_or_unknown_area_is_no_village(rect: Rect) -> None:
    for code in (rect.county.town_a.code, "610727999999", "not-a-code"):
        token = signing.Signer(salt=VILLAGE_TOKEN_SALT).sign(code)
        assert Client().get(reverse("rectification:public-form", args=[token])).status_code == 404
    assert Client().get("/p/").status_code == 404


def test_the_form_is_csrf_protected(rect: Rect) -> None:
    client = Client(enforce_csrf_checks=True)
    assert _post(client, _url(rect)).status_code == 403
    assert not Problem.objects.exists()
    client.get(_url(rect))
    token = client.cookies["csrftoken"].value
    assert _post(client, _url(rect), csrfmiddlewaretoken=token).status_code == 302
    assert Problem.objects.count() == 1


# -- flooding ------------------------------------------------------------------------------------
def test_the_sixth_submission_in_ten_minutes_is_refused(rect: Rect) -> None:
    client = Client()
    for i in range(5):
        assert _post(client, _url(rect), description=f"问题{i}").status_code == 302
    response = _post(client, _url(rect), description="第六条")
    assert response.status_code == 429
    assert "提交太频繁，请稍后再试" in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= 600
    assert Problem.objects.count() == 5
    # Another address is not held up by the first.
    assert _post(client, _url(rect), ip="10.0.0.99").status_code == 302


def test_a_village_takes_at_most_its_hourly_share(rect: Rect, monkeypatch: Any) -> None:
    monkeypatch.setattr(public, "SUBMIT_PER_VILLAGE", ratelimit.Rate(3, 3600))
    for i in range(3):
        assert _post(Client(), _url(rect), ip=f"10.0.1.{i}").status_code == 302
    assert _post(Client(), _url(rect), ip="10.0.1.50").status_code == 429
    # Another village's code still works.
    assert _post(Client(), _url(rect, rect.county.village_a2), ip="10.0.1.51").status_code == 302
    assert Problem.objects.count() == 4


def test_invalid_posts_cannot_be_sent_without_end(rect: Rect, monkeypatch: Any) -> None:
    monkeypatch.setattr(public, "POST_PER_IP", ratelimit.Rate(3, 600))
    for _ in range(3):
        assert _post(Client(), _url(rect), description="").status_code == 400
    assert _post(Client(), _url(rect)).status_code == 429
    assert not Problem.objects.exists()


def test_windows_roll_over(monkeypatch: Any, db: None) -> None:
    clock = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    rate = ratelimit.Rate(2, 600)
    assert [ratelimit.hit("t", "k", rate) for _ in range(2)] == [1, 2]
    assert ratelimit.exceeded("t", "k", rate)
    clock[0] += 600
    assert not ratelimit.exceeded("t", "k", rate)


def test_the_client_behind_the_proxy_is_the_last_forwarded_address(rf: Any, settings: Any) -> None:
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    settings.SECURE_PROXY_SSL_HEADER = None
    assert ratelimit.client_ip(request) == "127.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert ratelimit.client_ip(request) == "203.0.113.7"


# -- the lookup ----------------------------------------------------------------------------------
def _lookup(number: str, ip: str = "10.0.2.1") -> Any:
    return Client().post(reverse("rectification:public-track"), {"number": number}, REMOTE_ADDR=ip)


def test_the_tracking_number_shows_status_and_steps_and_nothing_private(rect: Rect) -> None:
    client = Client()
    _post(client, _url(rect), description=SCRIPT, reporter_name="王大明", reporter_phone="13800138000")
    problem = Problem.objects.get()
    number = problem.tracking_number
    page = _lookup(f" {number[:5].lower()}-{number[5:].lower()} ")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="status">未整改<' in text
    assert "登记" in text
    # Script typed by anyone is shown as text.
    assert SCRIPT not in text and ESCAPED in text
    problem_start(
        actor=SYSTEM,
        scope=EVERYTHING,
        problem=problem,
        expected_version=problem.version,
        measures="协调电力所更换路灯",
        deadline=dt.date.today() + dt.timedelta(days=10),
        on=dt.date.today(),
        responsible_person=rect.cadre("G3"),
    )
    text = _lookup(number).content.decode()
    assert 'data-testid="status">整改中<' in text and "开始整改" in text
    for private in ("13800138000", "138****8000", "王大明", "孙科员", "测试", "协调电力所"):
        assert private not in text


def test_the_receipt_and_the_staff_list_escape_script(rect: Rect) -> None:
    client = Client()
    done = client.get(_post(client, _url(rect), description=SCRIPT, reporter_name=SCRIPT)["Location"])
    assert SCRIPT not in done.content.decode()
    staff = rect.personas.client("office_staff").get(reverse("rectification:intake-incoming"))
    assert SCRIPT not in staff.content.decode()
    assert ESCAPED in staff.content.decode()


def test_a_wrong_number_shows_nothing_and_guessing_is_limited(rect: Rect) -> None:
    _post(Client(), _url(rect))
    for i in range(10):
        page = _lookup(f"WRONG{i:05d}")
        assert page.status_code == 400
        assert "没有找到这个查询码" in page.content.decode()
        assert 'data-testid="progress"' not in page.content.decode()
    refused = _lookup(Problem.objects.get().tracking_number)
    assert refused.status_code == 429
    assert "查询次数过多" in refused.content.decode()
    # Another address looks its number up.
    assert _lookup(Problem.objects.get().tracking_number, ip="10.0.2.2").status_code == 200


def test_only_public_form_problems_are_found(rect: Rect) -> None:
    rect.file()
    assert _lookup("").status_code == 400
    assert _lookup(Problem.objects.get().code).status_code == 400


def test_the_receipt_needs_the_submission(rect: Rect) -> None:
    done = reverse("rectification:public-done", args=[village_token(rect.county.village_a1.code)])
    assert Client().get(done)["Location"] == _url(rect)


# -- posters -------------------------------------------------------------------------------------
def test_the_office_prints_a_poster_per_village(rect: Rect) -> None:
    client = rect.personas.client("office_staff")
    listing = client.get(reverse("rectification:poster-list")).content.decode()
    for village in (rect.county.village_a1, rect.county.village_a2, rect.county.village_b1):
        assert reverse("rectification:poster", args=[village.code]) in listing
    poster = client.get(reverse("rectification:poster", args=[rect.county.village_a1.code])).content.decode()
    assert "黄家坝村" in poster and "<svg" in poster and "@page" in poster
    assert f"http://testserver{_url(rect)}" in poster
    town = client.get(reverse("rectification:poster", args=[rect.county.town_a.code])).content.decode()
    assert town.count('class="poster"') == 2


def test_posters_are_for_managers_in_their_area(rect: Rect) -> None:
    town = rect.personas.client("town_official")
    assert town.get(reverse("rectification:poster", args=[rect.county.village_a1.code])).status_code == 200
    assert town.get(reverse("rectification:poster", args=[rect.county.village_b1.code])).status_code == 404
    assert rect.county.village_b1.code not in town.get(reverse("rectification:poster-list")).content.decode()
    for persona in ("public", "work_team", "paired_cadre", "county_leader"):
        client = rect.personas.client(persona)
        assert client.get(reverse("rectification:poster-list")).status_code == 403
    outsider = rect.personas.client("outsider")
    assert (
        outsider.get(reverse("rectification:poster", args=[rect.county.village_a1.code])).status_code == 404
    )
