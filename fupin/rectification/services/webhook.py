"""Problems pushed by apps (党建APP, 发布APP, 钉钉 …) and the apps' configuration.

An app POSTs JSON to /api/problems/webhook/<slug>/ with two headers:
    X-Fupin-Timestamp: unix seconds when it signed
    X-Fupin-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{raw body}" keyed with its secret>
A missing or forged signature, or a timestamp more than five minutes off, is refused. Each message
carries the app's own message_id: a replay or a retry returns the problem filed the first time and
files nothing (WebhookMessage, unique per app and message id; see `webhook_message_receive`).
The problem gets the app's channel, the origin 群众提 and the intake 应用推送.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import NOTHING, Scope
from fupin.rectification.models import Channel, Intake, Origin, Problem, WebhookApp, WebhookMessage
from fupin.rectification.selectors.intake import fallback_category
from fupin.rectification.services.intake import categories_for_filing
from fupin.rectification.services.problems import problem_create
from fupin.registry.models import Household

APP_CHANNELS = (Channel.PARTY_APP, Channel.RELEASE_APP, Channel.DINGTALK, Channel.OTHER)
TIMESTAMP_TOLERANCE_SECONDS = 5 * 60
BODY_MAX_BYTES = 64 * 1024
DESCRIPTION_MAX = 2000
SIGNATURE_PREFIX = "sha256="


# -- signatures ----------------------------------------------------------------------------------
def signature_of(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def signature_refusal(*, secret: str, timestamp: str, signature: str, body: bytes, now: float) -> str | None:
    """Why the request is not from the app (in Chinese), or None when it is."""
    if not timestamp or not signature:
        return "缺少签名：请提供 X-Fupin-Timestamp 和 X-Fupin-Signature 请求头"
    if not timestamp.isdigit() or len(timestamp) > 12:
        return "X-Fupin-Timestamp 应为以秒计的 Unix 时间戳"
    expected = signature_of(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        return "签名不正确"
    if abs(now - int(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS:
        return "时间戳与服务器时间相差超过5分钟，请核对时钟后重新签名发送"
    return None


# -- messages ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Message:
    message_id: str
    area_code: str
    description: str
    sent_at: dt.datetime
    category: str = ""
    household_code: str = ""
    reporter_name: str = ""


def _text(data: dict[str, Any], name: str, limit: int, errors: dict[str, str], *, required: bool) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            errors[name] = f"缺少 {name}"
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        errors[name] = f"{name} 应为字符串"
        return ""
    text = str(value).strip()
    if len(text) > limit:
        errors[name] = f"{name} 不能超过{limit}个字符"
    return text


def _sent_at(value: str, errors: dict[str, str]) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors["sent_at"] = "sent_at 应为 ISO 8601 时间，如 2019-10-08T09:30:00+08:00"
        return timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def message_parse(body: bytes) -> Message:
    """The JSON body as a Message; an ApplicationError naming each bad field otherwise."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApplicationError("请求体应为 UTF-8 编码的 JSON 对象") from None
    if not isinstance(data, dict):
        raise ApplicationError("请求体应为 JSON 对象")
    errors: dict[str, str] = {}
    message_id = _text(data, "message_id", 100, errors, required=True)
    area_code = _text(data, "area_code", 12, errors, required=True)
    description = _text(data, "description", DESCRIPTION_MAX, errors, required=True)
    sent_at_text = _text(data, "sent_at", 40, errors, required=True)
    message = Message(
        message_id=message_id,
        area_code=area_code,
        description=description,
        sent_at=_sent_at(sent_at_text, errors) if sent_at_text else timezone.now(),
        category=_text(data, "category", 50, errors, required=False),
        household_code=_text(data, "household_code", 32, errors, required=False),
        reporter_name=_text(data, "reporter_name", 50, errors, required=False),
    )
    if area_code and not areacode.is_area_code(area_code) and "area_code" not in errors:
        errors["area_code"] = "area_code 应为12位行政区划代码"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    return message


@dataclass(frozen=True)
class Received:
    problem_code: str | None
    created: bool


def _replayed(app: WebhookApp, message_id: str) -> Received | None:
    earlier = WebhookMessage.objects.filter(app=app, message_id=message_id).select_related("problem").first()
    if earlier is None:
        return None
    return Received(earlier.problem.code if earlier.problem else None, created=False)


def webhook_message_receive(*, app: WebhookApp, message: Message) -> Received:
    """File the message's problem once. A message id seen before returns the first problem and files
    nothing. Two deliveries of one message at the same moment both pass the first check; the unique
    constraint on (app, message id) lets one claim it, and the other then reads the winner's row."""
    if not app.active:
        raise PermissionDenied("该应用已停用")
    earlier = _replayed(app, message.message_id)
    if earlier is not None:
        return earlier
    with transaction.atomic():
        try:
            # Claim the message id first, in its own savepoint: a concurrent duplicate waits here
            # for the winner's transaction and then fails on the constraint.
            with transaction.atomic():
                record = WebhookMessage.objects.create(app=app, message_id=message.message_id)
        except IntegrityError:
            winner = _replayed(app, message.message_id)
            if winner is None:
                raise
            return winner
        record.problem = _file(app, message)
        record.save(update_fields=["problem"])
    return Received(record.problem.code, created=True)


def _file(app: WebhookApp, message: Message) -> Problem:
    area = Area.objects.filter(code=message.area_code).first()
    if area is None or areacode.county_code_of(area.code) != app.county.code:
        raise ApplicationError("area_code 不在本应用所属的县", field_errors={"area_code": "区划不在本县"})
    household = None
    if message.household_code:
        household = Household.objects.filter(code=message.household_code).first()
        if household is None:
            raise ApplicationError(
                f"户编号{message.household_code}不存在", field_errors={"household_code": "户编号不存在"}
            )
    categories = categories_for_filing(app.county.code)
    chosen = next((c for c in categories if c.name == message.category), None) if message.category else None
    category = chosen or fallback_category(categories)
    if category is None:
        raise ApplicationError("本县尚未设置问题类别", field_errors={"category": "本县尚未设置问题类别"})
    return problem_create(
        actor=Actor.system(f"应用推送：{app.name}", source="webhook"),
        scope=NOTHING,
        channel=app.channel,
        origin=Origin.PUBLIC,
        category=category,
        description=message.description,
        area=area,
        found_date=timezone.localtime(message.sent_at).date(),
        intake=Intake.WEBHOOK,
        household=household,
        reporter_name=message.reporter_name,
    )


# -- the apps ------------------------------------------------------------------------------------
def may_manage_apps(scope: Scope) -> bool:
    return scope.can_manage


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _check_manager(scope: Scope, county: Area) -> None:
    if not may_manage_apps(scope) or not scope.covers_code(county.code):
        raise PermissionDenied("只有县扶贫办可以配置应用接入")


@transaction.atomic
def webhook_app_create(
    *, actor: Actor, scope: Scope, county: Area, name: str, slug: str, channel: str
) -> tuple[WebhookApp, str]:
    """A new app and its secret; the secret is returned here once, to be shown once."""
    _check_manager(scope, county)
    errors: dict[str, str] = {}
    if county.level != AreaLevel.COUNTY:
        errors["county"] = "应用须属于一个县"
    if not name.strip():
        errors["name"] = "请填写应用名称"
    if channel not in APP_CHANNELS:
        errors["channel"] = "检视渠道应为党建APP、发布APP、钉钉或其他"
    if WebhookApp.objects.filter(slug=slug).exists():
        errors["slug"] = f"标识{slug}已被使用"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    secret = new_secret()
    app = WebhookApp(county=county, name=name.strip(), slug=slug, channel=channel, secret=secret)
    app.full_clean()
    app.save()
    record_change(actor, app, action=ChangeAction.CREATE, before=None)
    return app, secret


def _locked(app: WebhookApp, expected_version: int) -> WebhookApp:
    locked = WebhookApp.objects.select_for_update().select_related("county").get(pk=app.pk)
    if locked.version != expected_version:
        raise ConflictError("该应用已被他人修改，请刷新后重新操作。")
    return locked


@transaction.atomic
def webhook_app_rotate_secret(*, actor: Actor, scope: Scope, app: WebhookApp, expected_version: int) -> str:
    """A new secret for the app (the old one stops working at once); returned once, to be shown once."""
    _check_manager(scope, app.county)
    locked = _locked(app, expected_version)
    before = locked.audit_snapshot()
    locked.secret = new_secret()
    locked.version += 1
    locked.save(update_fields=["secret", "version", "updated_at"])
    # The secret itself is never logged; the row says that it was replaced, by whom and when.
    record_change(actor, locked, action=ChangeAction.UPDATE, before={**before, "签名密钥": "已更换"})
    return locked.secret


@transaction.atomic
def webhook_app_set_active(
    *, actor: Actor, scope: Scope, app: WebhookApp, active: bool, expected_version: int
) -> WebhookApp:
    _check_manager(scope, app.county)
    locked = _locked(app, expected_version)
    before = locked.audit_snapshot()
    locked.active = active
    locked.version += 1
    locked.save(update_fields=["active", "version", "updated_at"])
    record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked
