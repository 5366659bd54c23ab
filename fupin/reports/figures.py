"""The figures document of spec/figures.md for one area and month, as the command and API serve it.

Each section comes from the app that owns its records; sections of capabilities not yet built are
left out rather than filled with zeros.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.duty.figures import duty_section
from fupin.employment.figures import employment_section
from fupin.fieldwork.figures import fieldwork_section
from fupin.indicators.figures import indicators_section, projects_section
from fupin.industry.figures import finance_section, industry_section, solar_section
from fupin.rectification.figures import rectification_section
from fupin.registry.figures import registry_section, statuses_as_of
from fupin.training.figures import training_section

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[int, int]:
    match = MONTH_RE.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ApplicationError(
            f"月份“{text}”无效，应为 YYYY-MM，例如 2019-11", field_errors={"month": "格式应为 YYYY-MM"}
        )
    return int(match.group(1)), int(match.group(2))


def last_day_of(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_as_of(text: str | None, year: int, month: int) -> dt.date:
    if not text:
        return last_day_of(year, month)
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ApplicationError(
            f"日期“{text}”无效，应为 YYYY-MM-DD", field_errors={"as_of": "格式应为 YYYY-MM-DD"}
        ) from None


def figures_area(scope: Scope, code: str | None) -> Area:
    """The area the figures are for: the one asked, if the scope may see all of it."""
    code = (code or scope.root_area_code or "").strip()
    if not code or not areacode.is_area_code(code):
        raise ApplicationError("请指定12位区划代码", field_errors={"area": "请指定12位区划代码"})
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise ApplicationError(f"区划代码 {code} 不存在", field_errors={"area": "区划代码不存在"})
    return area


def figures_document(area: Area, month: str, as_of: str | None = None) -> dict[str, Any]:
    year, month_number = parse_month(month)
    as_of_date = parse_as_of(as_of, year, month_number)
    statuses = statuses_as_of(area.code, as_of_date)
    return {
        "area": area.code,
        "month": f"{year:04d}-{month_number:02d}",
        "as_of": as_of_date.isoformat(),
        "registry": registry_section(area.code, as_of_date, statuses),
        "duty": duty_section(area.code, as_of_date, statuses),
        "fieldwork": fieldwork_section(area, year, month_number, as_of_date),
        "rectification": rectification_section(area.code, as_of_date),
        "training": training_section(
            area.code, dt.date(year, month_number, 1), last_day_of(year, month_number), as_of_date
        ),
        "indicators": indicators_section(area, year, month_number),
        "projects": projects_section(area, year, month_number),
        "employment": employment_section(area.code, year, month_number, as_of_date),
        "industry": industry_section(area.code, year, as_of_date, statuses),
        "finance": finance_section(area.code, year, as_of_date),
        "solar": solar_section(area.code, year, month_number, as_of_date),
    }
