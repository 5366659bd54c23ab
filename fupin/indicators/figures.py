"""The `indicators` and `projects` sections of the figures document (docs/figures.md) for an area and
month: each indicator's year-to-date figure, plan, completion and growth by the rules of
fupin.indicators.computing, and the key projects' investment against the annual plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.indicators.models import Project
from fupin.indicators.selectors.projects import project_totals
from fupin.indicators.selectors.report import indicator_report

RATIO_PLACES = 4


def number(value: Decimal | None, places: int) -> float | None:
    """A figure as JSON carries it: rounded to the indicator's decimal places."""
    return None if value is None else float(round(value, places))


def indicators_section(area: Area, year: int, month: int) -> dict[str, Any]:
    report = indicator_report(area, year, month)
    return {
        row.code: {
            "name": row.name,
            "unit": row.unit,
            "ytd": number(row.figure.value, row.decimals),
            "plan": number(row.plan, row.decimals),
            "completion": number(row.completion, RATIO_PLACES),
            "last_year_ytd": number(row.last_year.value, row.decimals),
            "growth": number(row.growth, RATIO_PLACES),
            "reporting_areas": row.figure.areas_expected,
            "areas_with_value": row.figure.areas_with_value,
            "missing_periods": len(row.figure.missing),
        }
        for row in report.rows
    }


def projects_section(area: Area, year: int, month: int) -> dict[str, Any]:
    projects = Project.objects.filter(area_code__startswith=areacode.prefix_of(area.code))
    totals = project_totals(projects, year, month)
    by_industry: dict[str, dict[str, Any]] = {}
    for line in totals.lines:
        label = line.project.get_industry_display()
        entry = by_industry.setdefault(
            label, {"projects": 0, "planned_investment": Decimal(0), "completed_investment": Decimal(0)}
        )
        entry["projects"] += 1
        entry["planned_investment"] += line.plan or Decimal(0)
        entry["completed_investment"] += line.completed
    return {
        "projects": len(totals.lines),
        "planned_investment": number(totals.planned, 2),
        "completed_investment": number(totals.completed, 2),
        "completion": number(totals.completion, RATIO_PLACES),
        "missing_reports": sum(len(line.missing_months) for line in totals.lines),
        "by_industry": {
            label: {
                "projects": entry["projects"],
                "planned_investment": number(entry["planned_investment"], 2),
                "completed_investment": number(entry["completed_investment"], 2),
            }
            for label, entry in sorted(by_industry.items())
        },
    }
