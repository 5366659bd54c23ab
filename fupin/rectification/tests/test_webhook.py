"""The apps' webhook: HMAC-signed, fresh, idempotent by the app's message id; and the county office's
pages configuring the apps (the secret shown once)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from fupin.conftest import EVERYTHING, SYSTEM
from fupin.core.models import ChangeLog
from fupin.rectification.models import Channel, Intake, Origin, Problem, WebhookApp, WebhookMessage
from fupin.rectification.services import webhook as service
from fupin.rectification.services.webhook import Message, webhook_app_create, webhook_message_receive
from fupin.rectification.tests.conftest import Rect
from fupin.registry.tests.conftest import make_household


@dataclass
class App:
    app: WebhookApp
    secret: str

    @property
    def url(self) -> str:
        return reverse("rectification:webhook", args=[self.app.slug])


@pytest.fixture
def party_app(rect: Rect) -> App:
    app, secret = webhook_app_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        county=rect.county.county,
        name="略阳党建APP",
        slug="lueyang-dangjian",
        channel=Channel.PARTY_APP,
    )
    return App(app, secret)


def _body(**fields: Any) -> bytes:
    payload = {
        "message_id": "m-1",
        "area_code": "610727100200",
        "description": "村里的自来水时有时无",
        "sent_at": "2019-10-08T09:30:00+08:00",
        **fields,
    }
    return json.dumps({k: v for k, v in payload.items() if v is not None}, ensure_ascii=False).encode()


def _sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _send(
    app: App,
    body: bytes,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    signature: str | None = None,
    headers: bool = True,
) -> Any:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    extra: dict[str, Any] = {}
    if headers:
        extra = {
            "HTTP_X_FUPIN_TIMESTAMP": stamp,
            "HTTP_X_FUPIN_SIGNATURE": signature
            if signature is not None
            else _sign(secret or app.secret, stamp, body),
        }
    return Client().post(app.url, body, content_type="application/json", **extra)


def _nothing_written() -> bool:
    return not Problem.objects.exists() and not WebhookMessage.objects.exists()


# -- the door ------------------------------------------------------------------------------------
def test_a_signed_message_files_a_problem(rect: Rect, party_app: App) -> None:
    make_household("H1", rect.county.village_a1)
    body = _body(category="饮水安全", household_code="H1", reporter_name="王大明")
    response = _send(party_app, body)
    assert response.status_code == 201, response.json()
    problem = Problem.objects.get()
    assert response.json() == {"code": problem.code, "created": True}
    assert (problem.channel, problem.origin, problem.intake) == (
        Channel.PARTY_APP,
        Origin.PUBLIC,
        Intake.WEBHOOK,
    )
    assert (problem.area, problem.category.name, problem.household.code) == (  # type: ignore[union-attr]
        rect.county.village_a1,
        "饮水安全",
        "H1",
    )
    assert (problem.reporter_name, problem.found_date.isoformat()) == ("王大明", "2019-10-08")
    assert problem.tracking_number == ""
    assert WebhookMessage.objects.get().problem == problem
    change = ChangeLog.objects.get(object_type="rectification.problem")
    assert (change.actor_name, change.source) == ("应用推送：略阳党建APP", "webhook")


def test_an_unknown_category_is_filed_under_the_fallback(rect: Rect, party_app: App) -> None:
    assert _send(party_app, _body(category="不知道")).status_code == 201
    assert Problem.objects.get().category.name == "其他"


def test_the_channel_is_the_apps(rect: Rect) -> None:
    app, secret = webhook_app_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        county=rect.county.county,
        name="钉钉",
        slug="dd",
        channel=Channel.DINGTALK,
    )
    assert _send(App(app, secret), _body()).status_code == 201
    assert Problem.objects.get().channel == Channel.DINGTALK


def test_a_forged_signature_is_refused_and_nothing_written(party_app: App) -> None:
    body = _body()
    for response in (
        _send(party_app, body, secret="not-the-secret"),
        _send(party_app, body, signature="sha256=" + "0" * 64),
        _send(party_app, body, signature=_sign(party_app.secret, "1", body)),
        # Signed, then changed on the way.
        Client().post(
            party_app.url,
            _body(description="改过的内容"),
            content_type="application/json",
            HTTP_X_FUPIN_TIMESTAMP=str(int(time.time())),
            HTTP_X_FUPIN_SIGNATURE=_sign(party_app.secret, str(int(time.time())), body),
        ),
    ):
        assert response.status_code == 401
        assert response.json()["error"] == "签名不正确"
    assert _nothing_written()


def test_a_missing_signature_is_refused(party_app: App) -> None:
    response = _send(party_app, _body(), headers=False)
    assert response.status_code == 401
    assert "缺少签名" in response.json()["error"]
    response = _send(party_app, _body(), timestamp=None, signature="")
    assert response.status_code == 401
    assert _nothing_written()


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_stale_timestamp_is_refused(party_app: App, offset: int) -> None:
    response = _send(party_app, _body(), timestamp=int(time.time()) + offset)
    assert response.status_code == 401
    assert "超过5分钟" in response.json()["error"]
    assert _nothing_written()


def test_a_replayed_message_returns_the_first_problem(party_app: App) -> None:
    first = _send(party_app, _body())
    again = _send(party_app, _body())
    # Even a retry with other text is the same message.
    changed = _send(party_app, _body(description="重发时改了内容"))
    assert first.status_code == 201
    assert (again.status_code, changed.status_code) == (200, 200)
    assert again.json() == changed.json() == {"code": first.json()["code"], "created": False}
    assert Problem.objects.count() == 1 and WebhookMessage.objects.count() == 1
    # Another message id is another problem.
    assert _send(party_app, _body(message_id="m-2")).status_code == 201


def test_a_concurrent_duplicate_loses_on_the_constraint(party_app: App, monkeypatch: Any) -> None:
    message = service.message_parse(_body())
    first = webhook_message_receive(app=party_app.app, message=message)
    # The duplicate passed its first look before the winner committed: it finds nothing there, and
    # meets the winner's row only at the unique constraint.
    real = service._replayed
    calls = []

    def late(app: WebhookApp, message_id: str) -> Any:
        calls.append(message_id)
        return None if len(calls) == 1 else real(app, message_id)

    monkeypatch.setattr(service, "_replayed", late)
    second = webhook_message_receive(app=party_app.app, message=message)
    assert (second.problem_code, second.created) == (first.problem_code, False)
    assert len(calls) == 2
    assert Problem.objects.count() == 1 and WebhookMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_file_one_problem(personas: Any) -> None:
    from fupin.rectification.services.problems import categories_ensure_default

    categories_ensure_default(actor=SYSTEM, county=personas.county.county)
    app, _ = webhook_app_create(
        actor=SYSTEM,
        scope=EVERYTHING,
        county=personas.county.county,
        name="发布",
        slug="fb",
        channel=Channel.RELEASE_APP,
    )
    message = service.message_parse(_body(message_id="same"))
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def deliver() -> None:
        try:
            barrier.wait()
            results.append(webhook_message_receive(app=app, message=message))
        except Exception as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.created for r in results) == [False, True], results
    assert len({r.problem_code for r in results}) == 1
    assert Problem.objects.count() == 1 and WebhookMessage.objects.count() == 1


def test_an_unknown_app_is_not_found(party_app: App) -> None:
    response = Client().post("/api/problems/webhook/nobody/", _body(), content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"] == "未知的应用"


def test_a_disabled_app_is_refused(party_app: App) -> None:
    WebhookApp.objects.filter(pk=party_app.app.pk).update(active=False)
    response = _send(party_app, _body())
    assert response.status_code == 403
    assert response.json()["error"] == "该应用已停用"
    assert _nothing_written()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_body(message_id=None), "message_id"),
        (_body(description=""), "description"),
        (_body(area_code="6107"), "area_code"),
        (_body(sent_at="yesterday"), "sent_at"),
        (_body(message_id=["a"]), "message_id"),
    ],
)
def test_bad_fields_are_named(party_app: App, body: bytes, field: str) -> None:
    response = _send(party_app, body)
    assert response.status_code == 400
    assert field in response.json()["field_errors"]
    assert _nothing_written()


def test_a_message_the_county_cannot_file_writes_nothing(party_app: App) -> None:
    outside = _send(party_app, _body(area_code="610726000000"))
    assert (outside.status_code, outside.json()["error"]) == (400, "area_code 不在本应用所属的县")
    unknown_household = _send(party_app, _body(household_code="H404"))
    assert unknown_household.status_code == 400
    future = _send(party_app, _body(sent_at="2999-01-01T00:00:00+08:00"))
    assert (future.status_code, future.json()["field_errors"]) == (
        400,
        {"found_date": "发现日期不能晚于今天"},
    )
    not_json = _send(party_app, b"message_id=1")
    assert (not_json.status_code, not_json.json()["error"]) == (400, "请求体应为 UTF-8 编码的 JSON 对象")
    # A refused message may be sent again once corrected: its id was not used up.
    assert _nothing_written()
    assert _send(party_app, _body()).status_code == 201


def test_a_large_body_is_refused(party_app: App) -> None:
    body = _body(description="字" * 30_000)
    assert _send(party_app, body).status_code == 413
    assert _nothing_written()


def test_only_post_is_accepted(party_app: App) -> None:
    assert Client().get(party_app.url).status_code == 405


# -- configuring the apps ------------------------------------------------------------------------
def test_the_office_creates_an_app_and_sees_its_secret_once(rect: Rect) -> None:
    client = rect.personas.client("office_staff")
    response = client.post(
        reverse("rectification:webhook-app-create"),
        {
            "county": rect.county.county.code,
            "name": "略阳发布APP",
            "slug": "lueyang-fabu",
            "channel": "release_app",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    app = WebhookApp.objects.get()
    assert f'data-testid="secret" class="user-select-all">{app.secret}<' in page.content.decode()
    assert "http://testserver/api/problems/webhook/lueyang-fabu/" in page.content.decode()
    again = client.get(response["Location"])
    assert again.status_code == 302
    assert app.secret not in client.get(again["Location"]).content.decode()
    # The secret never reaches the change log.
    assert app.secret not in json.dumps([c.after for c in ChangeLog.objects.all()], ensure_ascii=False)
    assert _send(App(app, app.secret), _body()).status_code == 201


def test_a_taken_slug_is_refused(rect: Rect, party_app: App) -> None:
    client = rect.personas.client("office_staff")
    response = client.post(
        reverse("rectification:webhook-app-create"),
        {
            "county": rect.county.county.code,
            "name": "另一个",
            "slug": party_app.app.slug,
            "channel": "party_app",
        },
    )
    assert response.status_code == 200
    assert "已被使用" in response.content.decode()
    assert WebhookApp.objects.count() == 1


def test_rotating_the_secret_stops_the_old_one(rect: Rect, party_app: App) -> None:
    client = rect.personas.client("county_admin")
    url = reverse("rectification:webhook-app-rotate", args=[party_app.app.slug])
    response = client.post(url, {"version": party_app.app.version})
    assert response.status_code == 302
    client.get(response["Location"])
    party_app.app.refresh_from_db()
    assert party_app.app.secret != party_app.secret
    assert _send(party_app, _body()).status_code == 401
    assert _send(App(party_app.app, party_app.app.secret), _body()).status_code == 201
    # A stale version is a conflict, not a silent second rotation.
    client.post(url, {"version": 1})
    assert WebhookApp.objects.get().version == 2


def test_disabling_and_enabling(rect: Rect, party_app: App) -> None:
    client = rect.personas.client("office_staff")
    url = reverse("rectification:webhook-app-active", args=[party_app.app.slug])
    client.post(url, {"active": "0", "version": 1})
    assert _send(party_app, _body()).status_code == 403
    client.post(url, {"active": "1", "version": 2})
    assert _send(party_app, _body()).status_code == 201


@pytest.mark.parametrize("persona", ["town_official", "county_leader", "work_team", "public"])
def test_only_the_office_configures_apps(rect: Rect, party_app: App, persona: str) -> None:
    client = rect.personas.client(persona)
    assert client.get(reverse("rectification:webhook-app-list")).status_code == 403
    assert client.get(reverse("rectification:webhook-app-create")).status_code == 403
    rotate = reverse("rectification:webhook-app-rotate", args=[party_app.app.slug])
    assert client.post(rotate, {"version": 1}).status_code == 403
    assert WebhookApp.objects.get().secret == party_app.secret


def test_the_outsider_neither_sees_nor_changes_our_apps(rect: Rect, party_app: App) -> None:
    client = rect.personas.client("outsider")
    assert party_app.app.slug not in client.get(reverse("rectification:webhook-app-list")).content.decode()
    rotate = reverse("rectification:webhook-app-rotate", args=[party_app.app.slug])
    assert client.post(rotate, {"version": 1}).status_code == 404
    response = client.post(
        reverse("rectification:webhook-app-create"),
        {"county": rect.county.county.code, "name": "冒名", "slug": "fake", "channel": "party_app"},
    )
    assert response.status_code == 200  # our county is not offered
    assert WebhookApp.objects.count() == 1


def test_the_service_signs_as_the_docs_say(party_app: App) -> None:
    body = b'{"a":1}'
    assert service.signature_of("k", "1570498200", body) == _sign("k", "1570498200", body)
    assert isinstance(service.message_parse(_body()), Message)
