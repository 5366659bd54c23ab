"""The figures document of spec/figures.md for one area and month, as the command and API serve it.

Each section comes from the app that owns its records; sections of capabilities not yet built are
left out rather than filled with zeros.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
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
from fupin.registry.figures import StatusesAsOf, causes_section, registry_section, statuses_as_of
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


# A section of the document for one area: (area, year, month, as_of, statuses of the area's households).
RawSection = Callable[[Area, int, int, dt.date, StatusesAsOf], Any]

# The document's sections in order, each computed from the records of one area.
RAW_SECTIONS: list[tuple[str, RawSection]] = [
    ("registry", lambda area, year, month, as_of, statuses: registry_section(area.code, as_of, statuses)),
    ("causes", lambda area, year, month, as_of, statuses: causes_section(area.code, statuses)),
    ("duty", lambda area, year, month, as_of, statuses: duty_section(area.code, as_of, statuses)),
    ("fieldwork", lambda area, year, month, as_of, statuses: fieldwork_section(area, year, month, as_of)),
    ("rectification", lambda area, year, month, as_of, statuses: rectification_section(area.code, as_of)),
    (
        "training",
        lambda area, year, month, as_of, statuses: training_section(
            area.code, dt.date(year, month, 1), last_day_of(year, month), as_of
        ),
    ),
    ("indicators", lambda area, year, month, as_of, statuses: indicators_section(area, year, month)),
    ("projects", lambda area, year, month, as_of, statuses: projects_section(area, year, month)),
    (
        "employment",
        lambda area, year, month, as_of, statuses: employment_section(area.code, year, month, as_of),
    ),
    (
        "industry",
        lambda area, year, month, as_of, statuses: industry_section(area.code, year, as_of, statuses),
    ),
    ("finance", lambda area, year, month, as_of, statuses: finance_section(area.code, year, as_of)),
    ("solar", lambda area, year, month, as_of, statuses: solar_section(area.code, year, month, as_of)),
]


@dataclass(frozen=True)
class Period:
    """The month a document is for and the date its stocks are read on."""

    year: int
    month: int
    as_of: dt.date

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def period_of(month: str, as_of: str | None = None) -> Period:
    year, number = parse_month(month)
    return Period(year, number, parse_as_of(as_of, year, number))


def document_head(area_code: str, period: Period) -> dict[str, Any]:
    return {"area": area_code, "month": period.label, "as_of": period.as_of.isoformat()}


def figures_document(area: Area, month: str, as_of: str | None = None) -> dict[str, Any]:
    """The document computed from the raw records (the definition the rollups are checked against)."""
    period = period_of(month, as_of)
    statuses = statuses_as_of(area.code, period.as_of)
    document = document_head(area.code, period)
    for name, section in RAW_SECTIONS:
        document[name] = section(area, period.year, period.month, period.as_of, statuses)
    return document
