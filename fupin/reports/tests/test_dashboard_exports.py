"""The 驾驶舱's tables in Excel: a title row with the area and month, Chinese headings, and cells that
are the figures documents' numbers — yuan from fen with two decimals, ratios as Excel percentages."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from fupin.areas.models import Area
from fupin.conftest import Personas
from fupin.people.tests.helpers import COUNTY, TOWN_A, TOWN_B
from fupin.reports import dashboard as dash
from fupin.reports.selectors import figures_for, figures_of_children, figures_trend, months_up_to
from fupin.reports.tests.helpers import MONTH

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(personas: Personas, table: str, area: str = COUNTY, persona: str = "county_leader") -> Worksheet:
    response = personas.client(persona).get(
        reverse("dashboard-export"), {"area": area, "month": MONTH, "table": table}
    )
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def values(sheet: Worksheet) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def expected_cell(document: dict[str, Any], path: str) -> Any:
    """A figure as the workbook should hold it, computed here from the document."""
    if path == dash.QUOTA_MET_RATE:
        quota = document["fieldwork"]["quota"].values()
        cadres = sum(q["cadres"] for q in quota)
        return sum(q["met"] for q in quota) / cadres if cadres else None
    value = dash.figure_value(document, path)
    return Decimal(value) / 100 if path.endswith("_fen") else value


def test_the_key_figures_workbook_holds_the_area_s_figures(dashboard: Personas) -> None:
    sheet = workbook(dashboard, "figures")
    rows = values(sheet)
    assert rows[0][0] == "略阳县（610727000000）2019-11 主要指标"
    assert rows[1] == ["指标", "数值"]
    document = figures_for(Area.objects.get(code=COUNTY), MONTH)
    assert rows[2:] == [[dash.label_of(p), expected_cell(document, p)] for p in dash.KEY_FIGURES]
    assert dict((r[0], r[1]) for r in rows[2:])["未脱贫户（含返贫）"] == 5
    assert all(isinstance(value, int | float) for _, value in rows[2:])


def test_money_is_yuan_and_ratios_are_percentages(
    dashboard: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fen become yuan with two decimals and the met rate an Excel percentage, both as numbers."""

    def with_money_and_quota(area: Area, month: str, as_of: str | None = None) -> dict[str, Any]:
        document = figures_for(area, month, as_of)
        document["solar"]["income_fen"] = 12345678
        document["fieldwork"]["quota"] = {
            "帮扶干部": {"cadres": 8, "met": 6},
            "县级领导": {"cadres": 2, "met": 1},
        }
        return document

    monkeypatch.setattr("fupin.reports.views.dashboard.figures_for", with_money_and_quota)
    sheet = workbook(dashboard, "figures")
    by_label = {row[0].value: row[1] for row in sheet.iter_rows(min_row=3)}
    income = by_label["电站收益"]
    assert (income.value, income.number_format) == (123456.78, "#,##0.00")
    rate = by_label["到岗达标率"]
    assert (rate.value, rate.number_format) == (0.7, "0.0%")
    assert by_label["未脱贫户（含返贫）"].number_format == "#,##0"


def test_the_comparison_workbook_lists_every_town_with_its_figures(dashboard: Personas) -> None:
    rows = values(workbook(dashboard, "children"))
    assert rows[0][0] == "略阳县（610727000000）2019-11 各乡镇对比"
    assert rows[1] == ["乡镇", *[dash.label_of(p) for p in dash.CHILD_FIGURES]]
    children = figures_of_children(Area.objects.get(code=COUNTY), MONTH)
    assert [r[0] for r in rows[2:]] == ["兴州街道", "接官亭镇"]
    assert rows[2:] == [
        [town.name, *[expected_cell(doc, p) for p in dash.CHILD_FIGURES]] for town, doc in children
    ]
    assert [r[2] for r in rows[2:]] == [3, 2]  # poor households of each town


def test_a_town_s_comparison_workbook_lists_its_villages(dashboard: Personas) -> None:
    rows = values(workbook(dashboard, "children", area=TOWN_A, persona="town_official"))
    assert rows[0][0] == "兴州街道（610727100000）2019-11 各村对比"
    assert [r[0] for r in rows[2:]] == ["黄家坝村", "石门沟村"]


def test_the_trend_workbook_has_twelve_months(dashboard: Personas) -> None:
    rows = values(workbook(dashboard, "trend", area=TOWN_B))
    assert rows[0][0] == "接官亭镇（610727101000）2019-11 近12个月走势"
    assert rows[1] == ["月份", *[dash.label_of(p) for p in dash.TREND_FIGURES]]
    trend = figures_trend(Area.objects.get(code=TOWN_B), MONTH)
    assert [r[0] for r in rows[2:]] == months_up_to(MONTH, 12)
    assert rows[2:] == [[doc["month"], *[expected_cell(doc, p) for p in dash.TREND_FIGURES]] for doc in trend]


def test_the_quota_and_category_workbooks_hold_the_month_s_breakdowns(dashboard: Personas) -> None:
    document = figures_for(Area.objects.get(code=COUNTY), MONTH)
    quota = values(workbook(dashboard, "quota"))
    assert quota[0][0] == "略阳县（610727000000）2019-11 到岗达标（按干部类别）"
    assert quota[1] == ["干部类别", "应评判干部", "达标干部"]
    assert quota[2:] == [[name, q["cadres"], q["met"]] for name, q in document["fieldwork"]["quota"].items()]
    assert [row[0] for row in quota[2:]] == ["县级领导", "部门主要负责人", "帮扶干部"]
    categories = values(workbook(dashboard, "categories"))
    assert categories[1] == ["问题类别", "检视问题"]
    assert categories[2:] == [
        [name, found] for name, found in document["rectification"]["by_category"].items()
    ]
    assert sorted(row[0] for row in categories[2:]) == sorted(["住房安全", "医疗保障", "饮水安全"])


def test_the_download_is_named_in_chinese(dashboard: Personas) -> None:
    response = dashboard.client("county_leader").get(
        reverse("dashboard-export"), {"area": COUNTY, "month": MONTH, "table": "trend"}
    )
    assert quote("驾驶舱-近12个月走势-略阳县-2019-11.xlsx") in response["Content-Disposition"]


def test_an_unknown_table_is_not_found(dashboard: Personas) -> None:
    client = dashboard.client("county_leader")
    assert client.get(reverse("dashboard-export"), {"month": MONTH, "table": "cadres"}).status_code == 404


def test_every_table_on_the_page_links_its_workbook(dashboard: Personas) -> None:
    body = dashboard.client("county_leader").get("/reports/dashboard/", {"month": MONTH}).content.decode()
    for table in ("figures", "children", "trend", "quota", "categories"):
        assert (
            f'href="/reports/dashboard/export/?area={COUNTY}&amp;month={MONTH}&amp;table={table}" '
            f'data-testid="export-{table}"'
        ) in body
