"""The template language of the briefing: plain text with slots.

    {registry.poor_households}          a figure, as its number (counts as digits, ratios as 58.9%)
    {finance.integrated_fund_fen|万元}   money converted to 元, 万元 or 亿元 (the template writes the unit)
    {projects.completion|percent}       a ratio as a percentage
    {training.person_times_ytd|余}      rounded down the way the seed writes “2600余”
    {employment.transfer_employment|万}  a count in 万 (1.57)
    {solar.capacity_kw|兆瓦}             kilowatts as megawatts
    {rectification.by_category|列表:条}  every entry of a map: “医疗保障5条、教育保障3条”
    {area} {county} {scope} {year} {month}   the area's name, its county's name, 全县/全镇/全村, the period

No expressions, no attribute access, no Django template engine: user text is only ever split into
text and slots, and each slot names a figure path that is checked when the template is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from fupin.core.exceptions import ApplicationError
from fupin.reports.briefing.paths import MAPS, as_decimal, kind_of

WORDS = frozenset({"area", "county", "scope", "year", "month"})
MONEY_FORMATS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
# What one unit of a stored money figure is worth in 元.
MONEY_UNIT_YUAN = {"分": Decimal("0.01"), "元": Decimal(1), "万元": Decimal(10_000)}
NUMBER_FORMATS = frozenset({"", "余", "万"})
SLOT_RE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Slot:
    path: str
    format: str = ""
    argument: str = ""

    @property
    def is_word(self) -> bool:
        return self.path in WORDS


Token = str | Slot


class TemplateError(ApplicationError):
    """A template the county wrote cannot be used; the message names the slot and why."""


def parse(text: str, *, words: frozenset[str] = WORDS, figures: bool = True) -> list[Token]:
    """Text and slots of one line, in order; refuses an unknown path or format, naming it."""
    tokens: list[Token] = []
    position = 0
    for match in SLOT_RE.finditer(text):
        _no_stray_braces(text[position : match.start()])
        if match.start() > position:
            tokens.append(text[position : match.start()])
        tokens.append(_slot(match.group(1).strip(), words=words, figures=figures))
        position = match.end()
    _no_stray_braces(text[position:])
    if position < len(text):
        tokens.append(text[position:])
    return tokens


def _no_stray_braces(text: str) -> None:
    if "{" in text or "}" in text:
        raise TemplateError(f"“{text.strip()}”中有不成对的花括号：统计项应写成 {{统计项路径}}")


def _slot(inside: str, *, words: frozenset[str], figures: bool) -> Slot:
    path, _, format_text = inside.partition("|")
    path = path.strip()
    format_name, _, argument = format_text.strip().partition(":")
    slot = Slot(path, format_name.strip(), argument.strip())
    if path in words:
        if slot.format:
            raise TemplateError(f"“{{{inside}}}”不能带格式")
        return slot
    if not figures or path in WORDS:
        allowed = "、".join(f"{{{w}}}" for w in sorted(words))
        raise TemplateError(f"此处不能使用“{{{inside}}}”，只能使用 {allowed}")
    kind = kind_of(path)
    if kind is None:
        raise TemplateError(f"统计项“{path}”不存在，请对照统计口径（docs/figures.md）填写统计项路径")
    problem = _format_problem(kind, slot)
    if problem:
        raise TemplateError(f"统计项“{path}”{problem}")
    return slot


def _format_problem(kind: str, slot: Slot) -> str | None:
    if kind == "map":
        if slot.format != "列表":
            return "是一组数字，应写成 {路径|列表:单位}，例如 {rectification.by_category|列表:条}"
        if MAPS.get(slot.path, "nested") is not None:
            return "的每一项有多个数字，请分别写出，例如 {fieldwork.quota.帮扶干部.met}"
        return None
    if kind.startswith("money:"):
        if slot.format not in MONEY_FORMATS:
            return "是金额，应注明单位：{路径|元}、{路径|万元} 或 {路径|亿元}"
        return None
    allowed = {"ratio": {"", "percent"}, "kw": {"", "兆瓦"}, "text": {""}, "number": NUMBER_FORMATS}[kind]
    if slot.format not in allowed:
        return f"不能使用格式“{slot.format}”"
    return None


def figure_paths(tokens: list[Token]) -> list[str]:
    return [t.path for t in tokens if isinstance(t, Slot) and not t.is_word]


def _plain(number: Decimal, places: int) -> str:
    """A number with at most `places` decimals, rounded half up, without trailing zeros."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _about(number: Decimal) -> str:
    """The seed's “500余”, “2600余”: rounded down to hundreds (tens below 100), 余 when cut."""
    step = Decimal(100) if number >= 100 else Decimal(10)
    if number < 10:
        return _plain(number, 2)
    floored = (number / step).to_integral_value(rounding=ROUND_DOWN) * step
    return _plain(floored, 0) + ("余" if floored != number else "")


def format_value(kind: str, slot: Slot, value: Any) -> str:
    """The text of one figure's value as the slot asks (the slot has been checked by `parse`)."""
    if kind == "text":
        return str(value)
    number = as_decimal(value)
    if number is None:
        return str(value)
    if kind.startswith("money:"):
        yuan = number * MONEY_UNIT_YUAN[kind.split(":", 1)[1]]
        return _plain(yuan / MONEY_FORMATS[slot.format], 2)
    if kind == "ratio":
        return _plain(number * 100, 1) + "%"
    if kind == "kw":
        return _plain(number / 1000, 2) if slot.format == "兆瓦" else _plain(number, 2)
    if slot.format == "余":
        return _about(number)
    if slot.format == "万":
        return _plain(number / 10_000, 2)
    return _plain(number, 2)
