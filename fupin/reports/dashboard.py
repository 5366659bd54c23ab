"""The 驾驶舱 (dashboard) of one area and month: its figure cards, tables and chart data, all read from
figures documents (fupin.reports.selectors) and nothing else, so that every number on it is the
number of the API, the exports and the briefing.

Households by cause is not here yet: the figures document has no cause breakdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import areas_inside
from fupin.core import areacode
from fupin.reports.labels import display_value, figure_label, is_money_fen
from fupin.reports.links import records_url
from fupin.reports.selectors import latest_checkin_month

Document = dict[str, Any]
QUOTA_MET_RATE = "fieldwork.quota_met_rate"  # derived: met ÷ cadres over every quota category


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard: where it sits in the document, its name, value and drill-down."""

    path: str
    label: str
    value: Any
    url: str | None

    @property
    def key(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def is_money(self) -> bool:
        return is_money_fen(self.key)

    @property
    def is_ratio(self) -> bool:
        return self.path == QUOTA_MET_RATE

    @property
    def display(self) -> str:
        if self.is_ratio:
            return "—" if self.value is None else f"{float(self.value) * 100:.1f}%"
        return display_value(self.key, self.value)


# The figure cards, in the order a county leader reads them.
KEY_FIGURES: tuple[str, ...] = (
    "registry.households",
    "registry.poor_households",
    "registry.exited_households",
    "registry.people",
    "duty.poor_households_paired",
    "duty.poor_households_unpaired",
    "rectification.found",
    "rectification.rectified",
    "rectification.open",
    "rectification.overdue",
    "fieldwork.valid_checkins",
    QUOTA_MET_RATE,
    "training.person_times",
    "employment.transfer_employment",
    "employment.training_person_times",
    "industry.households_with_mlt_industry",
    "solar.income_fen",
)
# The columns of the comparison of towns (or villages).
CHILD_FIGURES: tuple[str, ...] = (
    "registry.households",
    "registry.poor_households",
    "registry.exited_households",
    "duty.poor_households_unpaired",
    "rectification.found",
    "rectification.open",
    "rectification.overdue",
    "fieldwork.valid_checkins",
    QUOTA_MET_RATE,
)
# The series of the 12-month trend.
TREND_FIGURES: tuple[str, ...] = (
    "registry.poor_households",
    "registry.exited_households",
    "rectification.found",
    "rectification.rectified",
    "fieldwork.valid_checkins",
)
# The series of the comparison chart (a bar of each clicks through to that area's dashboard).
CHILD_CHART_FIGURES: tuple[str, ...] = (
    "registry.poor_households",
    "registry.exited_households",
    "rectification.open",
)
RECTIFICATION_STAGES: tuple[str, ...] = ("found", "rectified", "closed", "open", "overdue")


# -- reading the document ------------------------------------------------------------------------
def quota_met_rate(document: Document) -> float | None:
    """Cadres meeting their quota ÷ cadres judged, over every category; None when none are judged."""
    quota = document.get("fieldwork", {}).get("quota", {})
    cadres = sum(int(part["cadres"]) for part in quota.values())
    met = sum(int(part["met"]) for part in quota.values())
    return round(met / cadres, 4) if cadres else None


def has_figure(document: Document, path: str) -> bool:
    """Whether the document serves the figure: sections of capabilities not built are left out."""
    if path == QUOTA_MET_RATE:
        return "fieldwork" in document
    node: Any = document
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def figure_value(document: Document, path: str) -> Any:
    if path == QUOTA_MET_RATE:
        return quota_met_rate(document)
    node: Any = document
    for part in path.split("."):
        node = node[part]
    return node


def label_of(path: str) -> str:
    """The Chinese name of a figure; a nested one (quota by category) names each step."""
    if path == QUOTA_MET_RATE:
        return "到岗达标率"
    section, *keys = path.split(".")
    return "·".join(figure_label(section, key) for key in keys)


def figure(document: Document, path: str, *, label: str | None = None) -> Figure:
    """A figure of `document` with its link to the records behind it (none for derived figures)."""
    link = None
    if path != QUOTA_MET_RATE:
        link = records_url(document["area"], document["month"], None, path)
    return Figure(path, label or label_of(path), figure_value(document, path), link)


def figures_of(document: Document, paths: Sequence[str]) -> list[Figure]:
    return [figure(document, path) for path in paths if has_figure(document, path)]


def present_paths(documents: Sequence[Document], paths: Sequence[str]) -> list[str]:
    """The paths every document serves (the columns of a table of several documents)."""
    return [path for path in paths if all(has_figure(doc, path) for doc in documents)]


# -- areas and months ------------------------------------------------------------------------------
def dashboard_url(area_code: str, month: str) -> str:
    return f"{reverse('dashboard')}?{urlencode({'area': area_code, 'month': month})}"


def default_month(area: Area, today: dt.date | None = None) -> str:
    """The month of the latest check-in in the area, not later than today; this month when there is
    none."""
    today = today or timezone.localdate()
    this_month = f"{today.year:04d}-{today.month:02d}"
    return latest_checkin_month(area, today) or this_month


@dataclass(frozen=True)
class PickerOption:
    code: str
    name: str
    depth: int


def picker_options(root: Area) -> list[PickerOption]:
    """The areas the picker offers: the root and everything below it, each town followed by its
    villages (codes sort that way)."""
    root_depth = areacode.LEVEL_ORDER.index(root.level)
    return [
        PickerOption(a.code, a.name, areacode.LEVEL_ORDER.index(a.level) - root_depth)
        for a in areas_inside(root.code).only("code", "name", "level").order_by("code")
    ]


# -- tables ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One row of a table of figures: an area or a month, and its figures in the table's columns."""

    label: str
    key: str  # the area code or the month
    url: str | None  # the row's own dashboard
    figures: list[Figure]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    row_heading: str
    headings: list[str]  # of the figure columns
    rows: list[Row]


def children_table(area: Area, month: str, children: Sequence[tuple[Area, Document]]) -> Table:
    columns = present_paths([doc for _, doc in children], CHILD_FIGURES)
    level = children_level(area)
    rows = [
        Row(child.name, child.code, dashboard_url(child.code, month), [figure(doc, p) for p in columns])
        for child, doc in children
    ]
    return Table("children", f"各{level}对比", level, [label_of(p) for p in columns], rows)


def trend_table(area: Area, trend: Sequence[Document]) -> Table:
    columns = present_paths(trend, TREND_FIGURES)
    rows = [
        Row(
            doc["month"],
            doc["month"],
            dashboard_url(area.code, doc["month"]),
            [figure(doc, p) for p in columns],
        )
        for doc in trend
    ]
    return Table("trend", "近12个月走势", "月份", [label_of(p) for p in columns], rows)


def key_figures_table(document: Document) -> Table:
    rows = [Row(f.label, f.path, None, [f]) for f in figures_of(document, KEY_FIGURES)]
    return Table("figures", "主要指标", "指标", ["数值"], rows)


def quota_table(document: Document) -> Table:
    """Cadres judged and cadres meeting the rule, by quota category."""
    quota = document.get("fieldwork", {}).get("quota", {})
    rows = [
        Row(
            category,
            category,
            None,
            [figure(document, f"fieldwork.quota.{category}.{key}") for key in ("cadres", "met")],
        )
        for category in quota
    ]
    return Table("quota", "到岗达标（按干部类别）", "干部类别", ["应评判干部", "达标干部"], rows)


def categories_table(document: Document) -> Table:
    """Problems found, by category."""
    by_category = document.get("rectification", {}).get("by_category", {})
    rows = [
        Row(name, name, None, [figure(document, f"rectification.by_category.{name}")]) for name in by_category
    ]
    return Table("categories", "检视问题（按问题类别）", "问题类别", ["检视问题"], rows)


def children_level(area: Area) -> str:
    return "村" if area.level == AreaLevel.TOWN else "乡镇"


# -- charts ------------------------------------------------------------------------------------------
def _series(documents: Sequence[Document], paths: Sequence[str]) -> list[dict[str, Any]]:
    return [{"name": label_of(p), "data": [figure_value(doc, p) for doc in documents]} for p in paths]


def status_chart(document: Document) -> list[dict[str, Any]]:
    """Households by 脱贫属性: the three parts of `households` (未脱贫 without 返贫, 返贫, 已脱贫)."""
    registry = document.get("registry")
    if not registry:
        return []
    poor, relapsed = registry["poor_households"], registry["relapsed_households"]
    return [
        {"name": "未脱贫", "value": poor - relapsed},
        {"name": "返贫", "value": relapsed},
        {"name": "已脱贫", "value": registry["exited_households"]},
    ]


def causes_chart(document: Document) -> dict[str, Any]:
    """Households by main cause of poverty, split into poor and exited (the `causes` section), with
    the records page of each bar."""
    section = document.get("causes")
    if not section:
        return {}
    month, area_code = document["month"], document["area"]
    return {
        "causes": list(section),
        "series": [
            {
                "name": figure_label("causes", key),
                "data": [entry[key] for entry in section.values()],
                "links": [records_url(area_code, month, None, f"causes.{cause}.{key}") for cause in section],
            }
            for key in ("poor", "exited")
        ],
    }


def rectification_chart(document: Document) -> dict[str, Any]:
    section = document.get("rectification")
    if not section:
        return {}
    return {
        "stages": [figure_label("rectification", key) for key in RECTIFICATION_STAGES],
        "values": [section[key] for key in RECTIFICATION_STAGES],
        "categories": [{"name": name, "value": found} for name, found in section["by_category"].items()],
    }


def compliance_chart(document: Document) -> dict[str, Any]:
    quota = document.get("fieldwork", {}).get("quota", {})
    return {
        "categories": list(quota),
        "cadres": [part["cadres"] for part in quota.values()],
        "met": [part["met"] for part in quota.values()],
    }


def children_chart(month: str, children: Sequence[tuple[Area, Document]]) -> dict[str, Any]:
    documents = [doc for _, doc in children]
    return {
        "names": [child.name for child, _ in children],
        "urls": [dashboard_url(child.code, month) for child, _ in children],
        "series": _series(documents, present_paths(documents, CHILD_CHART_FIGURES)),
    }


def trend_chart(trend: Sequence[Document]) -> dict[str, Any]:
    return {
        "months": [doc["month"] for doc in trend],
        "series": _series(trend, present_paths(trend, TREND_FIGURES)),
    }


def map_chart(month: str, villages: Sequence[tuple[Area, Document]]) -> list[dict[str, Any]]:
    """Villages with coordinates as points on longitude/latitude axes (no map tiles: intranets have
    no internet), sized by poor households and coloured by 贫困村."""
    return [
        {
            "name": village.name,
            "code": village.code,
            "value": [float(village.longitude), float(village.latitude), doc["registry"]["poor_households"]],
            "poor_village": village.is_poor_village,
            "url": dashboard_url(village.code, month),
        }
        for village, doc in villages
        if village.longitude is not None and village.latitude is not None and "registry" in doc
    ]


def village_documents(
    area: Area,
    children: Sequence[tuple[Area, Document]],
    documents_of: Callable[[list[Area]], list[tuple[Area, Document]]],
) -> list[tuple[Area, Document]]:
    """The villages of the area with coordinates, and their documents: the children themselves when
    the area is a town, the county's located villages (read together) when it is a county."""
    if area.level == AreaLevel.VILLAGE:
        return []
    if area.level == AreaLevel.TOWN:
        return [(child, doc) for child, doc in children if child.longitude is not None]
    located = list(
        areas_inside(area.code)
        .filter(level=AreaLevel.VILLAGE, longitude__isnull=False, latitude__isnull=False)
        .order_by("code")
    )
    return documents_of(located)
