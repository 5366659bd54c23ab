"""The body of a check-in sent to the API, checked field by field with reasons in Chinese.

Plain Python rather than a DRF serializer: the check-in door is on the hot path of every cadre's
day, and building and running serializer fields costs more than the rest of a check-in's Python
work. `fupin.fieldwork.api.CheckInInput` describes the same fields for the OpenAPI schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from fupin.core.exceptions import ApplicationError
from fupin.core.files import image_format
from fupin.fieldwork.models import CheckInKind

# 驻镇/驻村/入户 or town/village/household.
KINDS = {**{str(label): value for value, label in CheckInKind.choices}, **{v: v for v in CheckInKind.values}}
KEY_HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 64
NOTES_MAX_LENGTH = 1000
PHOTO_MAX_BYTES = 8 * 1024 * 1024
SIX_PLACES = Decimal("0.000001")
TENTH = Decimal("0.1")
# The largest accuracy the column holds; a phone reporting more is far beyond any bound anyway.
ACCURACY_CEILING = Decimal("9999999.9")
REQUIRED, EMPTY = "必填", "不能为空"


class FieldError(Exception):
    """One field's reason, in Chinese."""


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError("应为文本")
    return str(value).strip()


def _kind(value: Any) -> str:
    kind = KINDS.get(_text(value))
    if kind is None:
        raise FieldError("类型应为驻镇、驻村或入户")
    return kind


def _limited(length: int, message: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value)
        if len(text) > length:
            raise FieldError(message)
        return text

    return parse


def _parsed(parse: Callable[[str], Any], message: str) -> Callable[[Any], Any]:
    def run(value: Any) -> Any:
        try:
            parsed = parse(_text(value))
        except (ValueError, FieldError):
            parsed = None
        if parsed is None:
            raise FieldError(message)
        return parsed

    return run


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without a zone is the county's local time."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _decimal(name: str) -> Callable[[Any], Decimal]:
    def parse(value: Any) -> Decimal:
        try:
            number = Decimal(_text(value))
        except (InvalidOperation, FieldError):
            raise FieldError(f"{name}应为数字") from None
        if not number.is_finite():
            raise FieldError(f"{name}应为数字")
        return number

    return parse


def _coordinate(name: str, limit: int) -> Callable[[Any], Decimal]:
    number = _decimal(name)

    def parse(value: Any) -> Decimal:
        degrees = number(value)
        if not -limit <= degrees <= limit:
            raise FieldError(f"{name}应在-{limit}到{limit}之间")
        return degrees.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)

    return parse


def _accuracy(value: Any) -> Decimal:
    metres = _decimal("定位精度")(value)
    if metres < 0:
        raise FieldError("定位精度不能为负数")
    return min(metres, ACCURACY_CEILING).quantize(TENTH, rounding=ROUND_HALF_UP)


def _photo(value: Any) -> Any:
    if not hasattr(value, "read"):
        raise FieldError("照片应以文件上传（multipart/form-data）")
    if not value.size:
        raise FieldError("照片文件是空的")
    if value.size > PHOTO_MAX_BYTES:
        raise FieldError("照片不能超过8MB")
    if image_format(value) is None:
        raise FieldError("照片不是有效的图片文件")
    return value


# name → (parse, required, value when absent); in the order errors are reported.
FIELDS: dict[str, tuple[Callable[[Any], Any], bool, Any]] = {
    "kind": (_kind, True, None),
    "area_code": (_limited(12, "区划代码应为12位"), True, None),
    "household_code": (_limited(32, "户编号不能超过32个字符"), False, ""),
    "date": (_parsed(parse_date, "日期格式应为 YYYY-MM-DD"), True, None),
    "time": (_parsed(parse_time, "时间格式应为 HH:MM"), False, None),
    "longitude": (_coordinate("经度", 180), False, None),
    "latitude": (_coordinate("纬度", 90), False, None),
    "accuracy_m": (_accuracy, False, None),
    "notes": (_limited(NOTES_MAX_LENGTH, f"工作内容不能超过{NOTES_MAX_LENGTH}字"), False, ""),
    "recorded_at": (
        _parsed(
            lambda text: (parsed := parse_datetime(text)) and _aware(parsed),
            "打卡时间应为 ISO 8601 格式，如 2019-11-05T09:30:00+08:00",
        ),
        False,
        None,
    ),
    "photo": (_photo, False, None),
    "idempotency_key": (_text, False, ""),
}


def invalid(errors: dict[str, str]) -> ApplicationError:
    return ApplicationError("；".join(dict.fromkeys(errors.values())), field_errors=errors)


def checkin_fields(data: Mapping[str, Any], key_header: str = "") -> dict[str, Any]:
    """The checked fields of a body (JSON, or a form with a photo), with the idempotency key from
    the header or the body (not both, unless equal). Raises ApplicationError with every field's
    reason at once."""
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, (parse, required, absent) in FIELDS.items():
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                errors[name] = EMPTY if name in data else REQUIRED
            fields[name] = absent
            continue
        try:
            fields[name] = parse(value)
        except FieldError as error:
            errors[name] = str(error)
    if errors:
        raise invalid(errors)
    header, body = key_header.strip(), fields["idempotency_key"]
    if header and body and header != body:
        raise invalid({"idempotency_key": f"请求头 {KEY_HEADER} 与字段 idempotency_key 不一致"})
    fields["idempotency_key"] = header or body
    if len(fields["idempotency_key"]) > KEY_MAX_LENGTH:
        raise invalid({"idempotency_key": f"幂等键不能超过{KEY_MAX_LENGTH}个字符"})
    return fields
