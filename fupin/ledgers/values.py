"""Parsing cell values by the ledgers' reading rules. Each parser raises ValueError with a Chinese reason."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from fupin.core import idnumber, phone
from fupin.core.text import clean_cell
from fupin.ledgers.reading import Cell

Parser = Callable[[Cell], Any]

_TRUE = {"是", "y", "yes", "1", "true", "t", "√"}
_FALSE = {"否", "n", "no", "0", "false", "f", "×"}
_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"), "ymd"),
]
_SEPARATORS = re.compile(r"[、,，;；]")


def cell_text(value: Cell) -> str:
    """The text of a cell; a whole number stored as a float (an Excel numeric cell) loses its '.0'."""
    if type(value) is str:
        # Every CSV cell: the common case first. str.strip() also trims the full-width space.
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return clean_cell(str(value))


def is_empty(value: Cell) -> bool:
    return cell_text(value) == ""


def text(value: Cell) -> str:
    return cell_text(value)


def code(digits: int | None = None) -> Parser:
    def parse(value: Cell) -> str:
        result = cell_text(value)
        if digits is not None and not re.fullmatch(rf"\d{{{digits}}}", result):
            raise ValueError(f"应为{digits}位数字")
        return result

    return parse


def date(value: Cell) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = cell_text(value)
    for pattern, _ in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError as error:
                raise ValueError("日期不存在") from error
    raise ValueError("日期格式应为 2019-11-05、2019/11/5、2019年11月5日 或 20191105")


def time_of_day(value: Cell) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.datetime):
        return value.time()
    match = re.fullmatch(r"(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?", cell_text(value))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError("时间格式应为 HH:MM")
    return dt.time(int(match.group(1)), int(match.group(2)))


def boolean(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    raw = cell_text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError("应为 是/否、Y/N、1/0 或 TRUE/FALSE")


def _number_text(value: Cell) -> str:
    return cell_text(value).replace(",", "").replace("，", "")


def integer(minimum: int | None = None, maximum: int | None = None) -> Parser:
    def parse(value: Cell) -> int:
        raw = _number_text(value)
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise ValueError("应为整数")
        number = int(raw)
        _check_range(number, minimum, maximum)
        return number

    return parse


def decimal(minimum: float | None = None, maximum: float | None = None, places: int = 2) -> Parser:
    def parse(value: Cell) -> Decimal:
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation as error:
            raise ValueError("应为数字") from error
        if not number.is_finite():
            raise ValueError("应为数字")
        _check_range(number, minimum, maximum)
        try:
            return round(number, places)
        except InvalidOperation as error:  # more digits than the decimal context holds
            raise ValueError("数值过大") from error

    return parse


def _check_range(number: float | int | Decimal, minimum: float | None, maximum: float | None) -> None:
    # Bounds as written, not as binary floats: 99999999.99 as a float is a hair below itself.
    if minimum is not None and number < Decimal(str(minimum)):
        raise ValueError(f"不能小于{minimum}")
    if maximum is not None and number > Decimal(str(maximum)):
        raise ValueError(f"不能大于{maximum}")


def choice(choices: dict[str, str]) -> Parser:
    """One of the Chinese labels; returns the stored value. `choices` maps label → value."""

    def parse(value: Cell) -> str:
        raw = cell_text(value)
        if raw in choices:
            return choices[raw]
        raise ValueError(f"应为以下之一：{'、'.join(choices)}")

    return parse


def multi_choice(choices: dict[str, str]) -> Parser:
    """One or more labels separated by 、 , or ; (full-width forms too)."""

    def parse(value: Cell) -> list[str]:
        labels = [p.strip() for p in _SEPARATORS.split(cell_text(value)) if p.strip()]
        if not labels:
            raise ValueError(f"至少填写一个，应为：{'、'.join(choices)}")
        unknown = [label for label in labels if label not in choices]
        if unknown:
            raise ValueError(f"“{'、'.join(unknown)}”不是有效值，应为：{'、'.join(choices)}")
        return list(dict.fromkeys(choices[label] for label in labels))

    return parse


def id_number(value: Cell) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1e15:
        raise ValueError("身份证号被Excel存成了数字，已丢失末几位：请把该列设为文本格式后重新录入")
    number = idnumber.normalize(cell_text(value))
    error = idnumber.id_number_error(number)
    if error:
        raise ValueError(error)
    return number


def phone_number(value: Cell) -> str:
    number = phone.normalize(cell_text(value))
    error = phone.phone_error(number)
    if error:
        raise ValueError(error)
    return number


def longitude(value: Cell) -> Decimal:
    return decimal(-180, 180, places=6)(value)


def latitude(value: Cell) -> Decimal:
    return decimal(-90, 90, places=6)(value)
