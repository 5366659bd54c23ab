"""Income per capita and the relapse-risk flags of a household (防返贫监测的风险标识).

Every flag is one Chinese sentence, shown on the household file and kept on the monitoring case.
The rules (domain-china.md §1.5): income below the county's monitoring line for the year; any of
两不愁三保障 or safe water not secured; rigid spending from sudden events in the last 12 months above
the household's yearly net income, or a serious illness or natural disaster in that time.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from fupin.areas import county_settings
from fupin.areas.selectors import county_setting
from fupin.registry.models import (
    INCOME_SIGN,
    HardshipEvent,
    HardshipKind,
    Household,
    HouseholdCategory,
    IncomeItem,
    Labour,
    Member,
)

CENT = Decimal("0.01")
# Events that are a risk whatever they cost.
SEVERE_HARDSHIPS = (HardshipKind.ILLNESS, HardshipKind.DISASTER)
HARDSHIP_WINDOW = dt.timedelta(days=365)
# Households without labour capacity living on social-security support stay monitored (§1.5).
NO_LABOUR = frozenset({Labour.LOST, Labour.NONE})
SUPPORTED_CATEGORIES = frozenset({HouseholdCategory.SUBSISTENCE, HouseholdCategory.EXTREME})


def counted_net_income(items: list[IncomeItem]) -> Decimal:
    """Σ sign × amount over the kinds that count toward net income (INCOME_SIGN)."""
    return sum((INCOME_SIGN[i.kind] * i.amount for i in items if i.kind in INCOME_SIGN), Decimal(0))


def per_capita(total: Decimal, size: int) -> Decimal:
    return (total / size).quantize(CENT, rounding=ROUND_HALF_UP)


def income_per_capita(household: Household, year: int) -> Decimal | None:
    """The year's net income per capita: from its line items when there are any; otherwise the
    household's stored figure when `year` is the latest year it can stand for (no later items)."""
    items = list(IncomeItem.objects.filter(household=household, year=year))
    if items:
        return per_capita(counted_net_income(items), household.size)
    later_items = IncomeItem.objects.filter(household=household, year__gt=year).exists()
    return None if later_items else household.net_income_per_capita


def yearly_setting(household: Household, name: str, year: int) -> Decimal | None:
    value = county_settings.yearly_value(county_setting(household.area_code, name), year)
    return None if value is None else Decimal(str(value)).quantize(CENT)


def poverty_line(household: Household, year: int) -> Decimal | None:
    return yearly_setting(household, county_settings.POVERTY_LINE, year)


def monitoring_threshold(household: Household, year: int) -> Decimal | None:
    return yearly_setting(household, county_settings.MONITORING_THRESHOLD, year)


def basic_needs_unmet(household: Household) -> list[str]:
    """The 两不愁三保障 and safe-water items assessed as not secured."""
    return [label for label, secured in household.basic_needs.items() if secured is False]


def risk_flags(household: Household, year: int, *, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    flags: list[str] = []
    income = income_per_capita(household, year)
    threshold = monitoring_threshold(household, year)
    if income is not None and threshold is not None and income < threshold:
        flags.append(f"{year}年人均纯收入{income}元，低于监测收入线{threshold}元")
    flags.extend(f"{label}：未保障" for label in basic_needs_unmet(household))
    events = list(
        HardshipEvent.objects.filter(household=household, on__gt=today - HARDSHIP_WINDOW, on__lte=today)
    )
    spent = sum((e.expense for e in events), Decimal(0))
    if events and income is not None and spent > income * household.size:
        flags.append(f"近12个月突发事件刚性支出{spent}元，超过家庭年纯收入{income * household.size}元")
    for event in events:
        if event.kind in SEVERE_HARDSHIPS:
            flags.append(f"{event.on:%Y年%m月%d日}发生{event.get_kind_display()}")
    return flags


def stays_monitored(household: Household) -> bool:
    """No member can work and the household lives on 低保/特困 support: risk is never cleared."""
    if household.category not in SUPPORTED_CATEGORIES:
        return False
    labours = list(Member.objects.filter(household=household).values_list("labour", flat=True))
    return bool(labours) and all(labour in NO_LABOUR for labour in labours)


def clearance_obstacles(household: Household, year: int, *, today: dt.date | None = None) -> list[str]:
    """Why the household's risk cannot be marked cleared (风险消除) now; empty when it can."""
    obstacles = risk_flags(household, year, today=today)
    if income_per_capita(household, year) is None:
        obstacles.append(f"{year}年人均纯收入未录入，无法确认收入稳定超过监测收入线")
    if stays_monitored(household):
        obstacles.append("家庭成员均无劳动能力且享受低保或特困供养，应持续监测")
    return obstacles
