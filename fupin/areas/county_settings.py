"""The settings a county office edits, with their defaults, labels and validation.

A setting is read through `county_setting(area_code, NAME)`, which falls back to the default when
the county has not set it. Later apps add their settings to SETTINGS (radius, quota rules, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fupin.core import areacode


@dataclass(frozen=True)
class SettingDefinition:
    name: str
    label: str
    help: str
    default: Any
    # Returns an error in Chinese, or None when the value is acceptable.
    check: Callable[[Any], str | None]


def _yearly_yuan(value: Any) -> str | None:
    if not isinstance(value, dict) or not value:
        return "应为“年度: 金额”的对应表"
    for year, amount in value.items():
        if not str(year).isdigit() or not 2000 <= int(year) <= 2100:
            return f"年度“{year}”无效"
        if not isinstance(amount, int | float) or amount <= 0:
            return f"{year}年的金额应为正数"
    return None


def _positive_int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return "应为正整数"
    return None


POVERTY_LINE = "poverty_line"
MONITORING_THRESHOLD = "monitoring_threshold"
CADRE_LOAD_LIMIT = "cadre_load_limit"

SETTINGS: dict[str, SettingDefinition] = {
    s.name: s
    for s in (
        SettingDefinition(
            POVERTY_LINE,
            "脱贫标准（年人均纯收入，元）",
            "各年度的脱贫收入线：脱贫退出时年人均纯收入须高于当年标准。",
            # The national line at current prices as provinces applied it, year by year.
            {
                "2014": 2800,
                "2015": 2855,
                "2016": 2952,
                "2017": 3335,
                "2018": 3535,
                "2019": 3747,
                "2020": 4000,
            },
            _yearly_yuan,
        ),
        SettingDefinition(
            MONITORING_THRESHOLD,
            "防返贫监测收入线（年人均纯收入，元）",
            "低于当年监测线的脱贫户、边缘户标记收入风险；各省逐年确定。",
            {"2019": 5000, "2020": 6000, "2021": 6000, "2022": 6500, "2023": 6900, "2024": 7300},
            _yearly_yuan,
        ),
        SettingDefinition(
            CADRE_LOAD_LIMIT,
            "每名干部帮扶户数上限",
            "覆盖看板中帮扶户数超过该值的干部标为负担过重。",
            5,
            _positive_int,
        ),
    )
}


def county_code_of(area_code: str) -> str:
    """The county that an area code lies in (its first six digits)."""
    return areacode.county_code_of(area_code)


def yearly_value(table: dict[str, Any], year: int) -> float | None:
    """The value for `year`, or the latest earlier year's when the year is missing."""
    years = sorted(int(y) for y in table if int(y) <= year)
    return float(table[str(years[-1])]) if years else None
