"""Resident ID numbers (居民身份证号码, GB 11643-1999): validation and masking.

ID numbers are sensitive: they are masked wherever the full number is not needed and must never
reach a log line.
"""

from __future__ import annotations

import datetime as dt
import operator
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    # map/mul runs in C: a registry import checks two numbers per person.
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def normalize(value: str) -> str:
    return value.strip().upper()


def id_number_error(value: str) -> str | None:
    """Why `value` is not a valid ID number (Chinese), or None when it is valid."""
    number = normalize(value)
    if not _SHAPE.match(number):
        return "身份证号应为18位，前17位为数字，最后一位为数字或X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if check_char(number[:17]) != number[17]:
        return "身份证号校验位错误"
    return None


def sex_of(number: str) -> str:
    """'男' or '女' from the 17th digit's parity."""
    return "男" if int(number[16]) % 2 == 1 else "女"


def birth_date_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def mask(number: str) -> str:
    """Keep the region prefix and the last four: 610727********123X."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make(region: str, birth: dt.date, sequence: int) -> str:
    """A syntactically valid number for synthetic data (region 6 digits, sequence 0–999)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
