"""Phone numbers: 11-digit mobiles starting with 1, or landlines with an area code."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalize(value: str) -> str:
    return re.sub(r"[\s()（）]", "", value).replace("—", "-")


def phone_error(value: str) -> str | None:
    number = normalize(value)
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return None
    return "手机号码应为以1开头的11位数字，或带区号的固定电话"


def mask(number: str) -> str:
    """138****5678: enough to recognise, not enough to call."""
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
