"""The `indicators` and `projects` sections of the figures document (docs/figures.md) for an area and
month: each indicator's year-to-date figure, plan, completion and growth by the rules of
fupin.indicators.computing, and the key projects' investment against the annual plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from fupin.areas.models import Area
from fupin.areas.spread import containing_of
from fupin.areas.tree import CountyTree
from fupin.core import areacode
from fupin.indicators.models import Project
from fupin.indicators.selectors.projects import ProjectLine, ProjectTotals, project_totals
from fupin.indicators.selectors.report import IndicatorReport, indicator_report, indicator_reports_by_area
from fupin.registry.figures import CountyStatuses

RATIO_PLACES = 4


def number(value: Decimal | None, places: int) -> float | None:
    """A figure as JSON carries it: rounded to the indicator's decimal places."""
    return None if value is None else float(round(value, places))


def indicators_section(area: Area, year: int, month: int) -> dict[str, Any]:
    return _indicators_of(indicator_report(area, year, month))


def indicators_section_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """indicators_section of every area of the county, from the county's values read once."""
    reports = indicator_reports_by_area(tree, year, month)
    return {code: _indicators_of(reports[code]) for code in tree.codes}


def _indicators_of(report: IndicatorReport) -> dict[str, Any]:
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
    return _projects_of(project_totals(projects, year, month))


def projects_section_by_area(
    tree: CountyTree, year: int, month: int, as_of: dt.date, statuses: CountyStatuses
) -> dict[str, dict[str, Any]]:
    """projects_section of every area of the county: the county's project lines computed once, each
    line counted in the areas that hold its project's area code."""
    projects = Project.objects.filter(area_code__startswith=areacode.prefix_of(tree.county_code))
    county = project_totals(projects, year, month)
    containing = containing_of(tree)
    lines: dict[str, list[ProjectLine]] = {code: [] for code in tree.codes}
    for line in county.lines:
        for code in containing(line.project.area_code):
            lines[code].append(line)
    return {code: _projects_of(replace(county, lines=lines[code], by_industry={})) for code in tree.codes}


def _projects_of(totals: ProjectTotals) -> dict[str, Any]:
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
