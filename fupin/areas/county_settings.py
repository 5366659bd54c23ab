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


def _metres(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"应为{low}到{high}之间的整数（米）"
        return None

    return check


QUOTA_CATEGORIES = (
    "county_leader",
    "dept_head",
    "paired_cadre",
    "first_secretary",
    "team_leader",
    "team_member",
)
QUOTA_KINDS = ("town", "village", "household")
QUOTA_PERIODS = ("week", "month")


def _quota_rules(value: Any) -> str | None:
    """A list of {category, kinds, days, period}; at most one rule per category."""
    if not isinstance(value, list):
        return "应为考勤规则列表"
    seen: set[str] = set()
    for number, rule in enumerate(value, start=1):
        if not isinstance(rule, dict) or set(rule) != {"category", "kinds", "days", "period"}:
            return f"第{number}条规则应包含 category、kinds、days、period"
        if rule["category"] not in QUOTA_CATEGORIES:
            return f"第{number}条规则的干部类别“{rule['category']}”无效"
        if rule["category"] in seen:
            return f"干部类别“{rule['category']}”有多条规则"
        seen.add(rule["category"])
        kinds = rule["kinds"]
        if not isinstance(kinds, list) or not kinds or any(k not in QUOTA_KINDS for k in kinds):
            return f"第{number}条规则的打卡类型无效"
        if rule["period"] not in QUOTA_PERIODS:
            return f"第{number}条规则的周期应为 week 或 month"
        limit = 7 if rule["period"] == "week" else 31
        days = rule["days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
            return f"第{number}条规则的天数应为1到{limit}"
    return None


def _webhook(value: Any) -> str | None:
    if not isinstance(value, str):
        return "应为网址"
    if value and not value.startswith(("http://", "https://")):
        return "钉钉机器人地址应以 http:// 或 https:// 开头"
    return None


POVERTY_LINE = "poverty_line"
MONITORING_THRESHOLD = "monitoring_threshold"
CADRE_LOAD_LIMIT = "cadre_load_limit"
CHECKIN_RADIUS_M = "checkin_radius_m"
CHECKIN_ACCURACY_MAX_M = "checkin_accuracy_max_m"
QUOTA_RULES = "quota_rules"
DINGTALK_WEBHOOK = "dingtalk_webhook"

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
        SettingDefinition(
            CHECKIN_RADIUS_M,
            "打卡有效范围（米）",
            "打卡位置与农户、村或乡镇参照点的距离不超过该值时有效。",
            2000,
            _metres(50, 50_000),
        ),
        SettingDefinition(
            CHECKIN_ACCURACY_MAX_M,
            "定位精度上限（米）",
            "手机报告的定位精度须大于0且不超过该值；精度为0视为虚拟定位。",
            200,
            _metres(1, 5000),
        ),
        SettingDefinition(
            QUOTA_RULES,
            "考勤规则",
            "各类干部的到岗要求：计入的打卡类型（town 驻镇、village 驻村、household 入户）、"
            "最少天数和周期（week 每周、month 每月）。",
            # The seed's three rules: county leaders 3 days a week in towns and villages, department
            # heads 4 days a week in villages, paired cadres 8 days a month in households.
            [
                {
                    "category": "county_leader",
                    "kinds": ["town", "village", "household"],
                    "days": 3,
                    "period": "week",
                },
                {"category": "dept_head", "kinds": ["village", "household"], "days": 4, "period": "week"},
                {"category": "paired_cadre", "kinds": ["household"], "days": 8, "period": "month"},
            ],
            _quota_rules,
        ),
        SettingDefinition(
            DINGTALK_WEBHOOK,
            "钉钉机器人地址",
            "设置后，考勤落后提醒同时推送到该钉钉群机器人；留空则只在平台内提醒。",
            "",
            _webhook,
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
