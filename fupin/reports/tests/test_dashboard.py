"""The 驾驶舱: its numbers, tables and chart data are the figures documents' (figures_for), its links
lead to each figure's records, and only county and town accounts open it, inside their scope."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fupin.areas.models import Area
from fupin.conftest import Personas
from fupin.fieldwork.models import CheckIn
from fupin.people.tests.helpers import (
    COUNTY,
    OTHER_COUNTY,
    TOWN_A,
    TOWN_B,
    VILLAGE_A1,
    VILLAGE_A2,
    VILLAGE_B1,
)
from fupin.reports import dashboard as dash
from fupin.reports.labels import display_value
from fupin.reports.links import records_url
from fupin.reports.selectors import (
    FiguresPending,
    figures_for,
    figures_of_children,
    figures_trend,
    months_up_to,
)
from fupin.reports.tests.helpers import MONTH

URL = "/reports/dashboard/"
PENDING = "统计数据生成中，请稍候"


def get_page(personas: Personas, persona: str, **params: str) -> str:
    response = personas.client(persona).get(URL, params)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def cards(body: str) -> dict[str, tuple[str, str | None]]:
    """The figure cards: path -> (the number shown, its link)."""
    found = re.findall(r'class="figure" data-figure="([^"]+)"(?: href="([^"]*)")?>([^<]*)<', body)
    return {path: (text, html.unescape(href) if href else None) for path, href, text in found}


def table_cells(body: str, table_id: str) -> dict[str, dict[str, tuple[str, str | None]]]:
    """A table's figures: row key (area code or month) -> path -> (the number shown, its link)."""
    table = body.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for chunk in table.split('<tr data-row="')[1:]:
        key = chunk.split('"', 1)[0]
        found = re.findall(r'data-figure="([^"]+)"(?: href="([^"]*)")?>([^<]*)<', chunk)
        rows[key] = {path: (text, html.unescape(href) if href else None) for path, href, text in found}
    return rows


def chart_data(body: str) -> Any:
    found = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', body, re.S)
    assert found is not None
    return json.loads(found.group(1))


def met_rate(document: dict[str, Any]) -> str:
    quota = document["fieldwork"]["quota"].values()
    cadres, met = sum(q["cadres"] for q in quota), sum(q["met"] for q in quota)
    return "—" if not cadres else f"{met / cadres * 100:.1f}%"


def shown(document: dict[str, Any], path: str) -> str:
    """How the page should show a figure of `document`, computed here from the document itself."""
    if path == dash.QUOTA_MET_RATE:
        return met_rate(document)
    node: Any = document
    for part in path.split("."):
        node = node[part]
    return display_value(path.rsplit(".", 1)[-1], node)


def area(code: str) -> Area:
    return Area.objects.get(code=code)


# --- the numbers -----------------------------------------------------------------------------------


def test_the_cards_show_the_figures_of_the_area_and_month(dashboard: Personas) -> None:
    body = get_page(dashboard, "county_leader", area=COUNTY, month=MONTH)
    document = figures_for(area(COUNTY), MONTH)
    # Hand-counted: 7 households, 5 of them poor (one relapsed), 3 problems, one rectified, one overdue.
    assert document["registry"]["poor_households"] == 5
    assert document["rectification"] | {"by_category": {}, "by_channel": {}} == {
        "found": 3, "rectified": 1, "closed": 0, "open": 2, "overdue": 1, "by_category": {}, "by_channel": {},
    }  # fmt: skip
    shown_cards = {path: text for path, (text, _) in cards(body).items()}
    assert shown_cards == {path: shown(document, path) for path in dash.KEY_FIGURES}
    assert "<h1" in body and "略阳县 · 2019-11" in body


def test_a_town_s_cards_are_the_town_s_figures(dashboard: Personas) -> None:
    body = get_page(dashboard, "county_leader", area=TOWN_B, month="2019-10")
    document = figures_for(area(TOWN_B), "2019-10")
    assert document["registry"]["households"] == 3
    assert {p: t for p, (t, _) in cards(body).items()} == {p: shown(document, p) for p in dash.KEY_FIGURES}


def test_the_town_comparison_lists_every_town_with_its_numbers(dashboard: Personas) -> None:
    body = get_page(dashboard, "county_leader", area=COUNTY, month=MONTH)
    rows = table_cells(body, "table-children")
    assert list(rows) == [TOWN_A, TOWN_B]
    for town, document in figures_of_children(area(COUNTY), MONTH):
        assert {p: t for p, (t, _) in rows[town.code].items()} == {
            p: shown(document, p) for p in dash.CHILD_FIGURES
        }
        assert f'href="{html.escape(dash.dashboard_url(town.code, MONTH))}">{town.name}</a>' in body
    assert rows[TOWN_A]["registry.poor_households"][0] == "3"  # H1, H3 (relapsed), H4


def test_a_town_compares_its_villages(dashboard: Personas) -> None:
    body = get_page(dashboard, "town_official", month=MONTH)
    assert "各村对比" in body
    assert list(table_cells(body, "table-children")) == [VILLAGE_A1, VILLAGE_A2]


def test_the_trend_table_has_twelve_months_of_figures(dashboard: Personas) -> None:
    body = get_page(dashboard, "county_leader", area=COUNTY, month=MONTH)
    rows = table_cells(body, "table-trend")
    assert list(rows) == months_up_to(MONTH, 12)
    for document in figures_trend(area(COUNTY), MONTH):
        expected = {p: shown(document, p) for p in dash.TREND_FIGURES}
        assert {p: t for p, (t, _) in rows[document["month"]].items()} == expected
    assert rows["2019-10"]["rectification.found"][0] == "1"
    assert rows[MONTH]["rectification.found"][0] == "3"


def test_the_quota_and_category_tables_are_the_document_s(dashboard: Personas) -> None:
    body = get_page(dashboard, "county_leader", area=COUNTY, month=MONTH)
    document = figures_for(area(COUNTY), MONTH)
    quota = table_cells(body, "table-quota")
    assert {name: {p: t for p, (t, _) in row.items()} for name, row in quota.items()} == {
        name: {
            f"fieldwork.quota.{name}.cadres": str(q["cadres"]),
            f"fieldwork.quota.{name}.met": str(q["met"]),
        }
        for name, q in document["fieldwork"]["quota"].items()
    }
    categories = table_cells(body, "table-categories")
    assert {name: row[f"rectification.by_category.{name}"][0] for name, row in categories.items()} == {
        name: str(found) for name, found in document["rectification"]["by_category"].items()
    }
    assert set(categories) == {"住房安全", "医疗保障", "饮水安全"}


def test_the_chart_data_are_the_figures(dashboard: Personas) -> None:
    body = get_page(dashboard, "county_leader", area=COUNTY, month=MONTH)
    charts = chart_data(body)
    trend = figures_trend(area(COUNTY), MONTH)
    assert charts["trend"]["months"] == months_up_to(MONTH, 12)
    assert charts["trend"]["series"] == [
        {"name": dash.label_of(p), "data": [dash.figure_value(doc, p) for doc in trend]}
        for p in dash.TREND_FIGURES
    ]
    children = figures_of_children(area(COUNTY), MONTH)
    assert charts["children"] == {
        "names": ["兴州街道", "接官亭镇"],
        "urls": [dash.dashboard_url(TOWN_A, MONTH), dash.dashboard_url(TOWN_B, MONTH)],
        "series": [
            {
                "name": "未脱贫户（含返贫）",
                "data": [doc["registry"]["poor_households"] for _, doc in children],
            },
            {"name": "已脱贫户", "data": [doc["registry"]["exited_households"] for _, doc in children]},
            {"name": "未完成整改", "data": [doc["rectification"]["open"] for _, doc in children]},
        ],
    }
    document = figures_for(area(COUNTY), MONTH)
    registry, rect = document["registry"], document["rectification"]
    assert charts["status"] == [
        {"name": "未脱贫", "value": registry["poor_households"] - registry["relapsed_households"]},
        {"name": "返贫", "value": registry["relapsed_households"]},
        {"name": "已脱贫", "value": registry["exited_households"]},
    ]
    assert sum(part["value"] for part in charts["status"]) == registry["households"] == 7
    causes = charts["causes"]
    assert causes["causes"] == list(document["causes"])
    poor_bars, exited_bars = causes["series"]
    assert sum(poor_bars["data"]) == registry["poor_households"]
    assert sum(exited_bars["data"]) == registry["exited_households"]
    first = causes["causes"][0]
    assert poor_bars["links"][0] == records_url(COUNTY, MONTH, None, f"causes.{first}.poor")
    assert charts["rectification"]["values"] == [
        rect[k] for k in ("found", "rectified", "closed", "open", "overdue")
    ]
    assert charts["rectification"]["categories"] == [
        {"name": name, "value": found} for name, found in rect["by_category"].items()
    ]
    assert {c["name"] for c in charts["rectification"]["categories"]} == {"住房安全", "医疗保障", "饮水安全"}
    quota = document["fieldwork"]["quota"]
    assert charts["compliance"] == {
        "categories": list(quota),
        "cadres": [q["cadres"] for q in quota.values()],
        "met": [q["met"] for q in quota.values()],
    }


def test_the_map_places_villages_with_coordinates_sized_by_poor_households(dashboard: Personas) -> None:
    charts = chart_data(get_page(dashboard, "county_leader", area=COUNTY, month=MONTH))
    villages = {
        v.code: doc for town in (area(TOWN_A), area(TOWN_B)) for v, doc in figures_of_children(town, MONTH)
    }
    # Village A2 has no coordinates and is left off.
    assert charts["map"] == [
        {
            "name": name,
            "code": code,
            "value": [longitude, latitude, villages[code]["registry"]["poor_households"]],
            "poor_village": True,
            "url": dash.dashboard_url(code, MONTH),
        }
        for name, code, longitude, latitude in [
            ("黄家坝村", VILLAGE_A1, 106.15, 33.33),
            ("青岗坪村", VILLAGE_B1, 106.02, 33.41),
        ]
    ]
    assert [point["value"][2] for point in charts["map"]] == [2, 2]
    town_map = chart_data(get_page(dashboard, "county_leader", area=TOWN_A, month=MONTH))["map"]
    assert [point["code"] for point in town_map] == [VILLAGE_A1]


def test_the_chart_data_are_json_not_markup(dashboard: Personas) -> None:
    """A village named with markup stays data inside the json_script, never page markup."""
    Area.objects.filter(code=VILLAGE_A1).update(name="</script><b>村")
    body = get_page(dashboard, "county_leader", area=TOWN_A, month=MONTH)
    assert "</script><b>村" not in body
    assert chart_data(body)["children"]["names"][0] == "</script><b>村"


# --- links -----------------------------------------------------------------------------------------


def test_every_number_links_to_the_records_behind_it(dashboard: Personas, settings: Any) -> None:
    body = get_page(dashboard, "county_leader", area=COUNTY, month=MONTH)
    links = {path: href for path, (_, href) in cards(body).items()}
    assert links == {
        p: None if p == dash.QUOTA_MET_RATE else records_url(COUNTY, MONTH, None, p) for p in dash.KEY_FIGURES
    }
    assert links["registry.poor_households"] == (
        "/reports/records/?area=610727000000&month=2019-11&figure=registry.poor_households"
    )
    for code, row in table_cells(body, "table-children").items():
        assert {p: href for p, (_, href) in row.items()} == {
            p: None if p == dash.QUOTA_MET_RATE else records_url(code, MONTH, None, p)
            for p in dash.CHILD_FIGURES
        }
    for month, row in table_cells(body, "table-trend").items():
        assert {p: href for p, (_, href) in row.items()} == {
            p: records_url(COUNTY, month, None, p) for p in dash.TREND_FIGURES
        }
    for name in ("住房安全", "医疗保障", "饮水安全"):
        assert (
            html.escape(records_url(COUNTY, MONTH, None, f"rectification.by_category.{name}") or "") in body
        )
    for category in figures_for(area(COUNTY), MONTH)["fieldwork"]["quota"]:
        assert html.escape(records_url(COUNTY, MONTH, None, f"fieldwork.quota.{category}.met") or "") in body


def test_the_briefing_button_downloads_the_month_s_briefing(dashboard: Personas, settings: Any) -> None:
    body = get_page(dashboard, "county_leader", area=TOWN_A, month=MONTH)
    found = re.search(r'href="([^"]+)" data-testid="briefing">下载工作简报<', body)
    assert found is not None
    assert html.unescape(found.group(1)) == (
        f"{reverse('briefing-download')}?area={TOWN_A}&month={MONTH}&format=docx"
    )


# --- areas, months and who may open it --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "root", "offered"),
    [
        ("county_admin", COUNTY, [COUNTY, TOWN_A, VILLAGE_A1, VILLAGE_A2, TOWN_B, VILLAGE_B1]),
        ("county_leader", COUNTY, [COUNTY, TOWN_A, VILLAGE_A1, VILLAGE_A2, TOWN_B, VILLAGE_B1]),
        ("office_staff", COUNTY, [COUNTY, TOWN_A, VILLAGE_A1, VILLAGE_A2, TOWN_B, VILLAGE_B1]),
        ("town_official", TOWN_A, [TOWN_A, VILLAGE_A1, VILLAGE_A2]),
        ("outsider", OTHER_COUNTY, [OTHER_COUNTY]),
    ],
)
def test_the_dashboard_opens_on_the_user_s_area_with_the_scope_in_the_picker(
    dashboard: Personas, persona: str, root: str, offered: list[str]
) -> None:
    body = get_page(dashboard, persona, month=MONTH)
    picker = body.split('id="pick-area"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'value="(\d{12})"', picker) == offered
    assert re.findall(r'value="(\d{12})" selected', picker) == [root]
    assert {p: t for p, (t, _) in cards(body).items()} == {
        p: shown(figures_for(area(root), MONTH), p) for p in dash.KEY_FIGURES
    }


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("town_official", COUNTY, 403),
        ("town_official", TOWN_B, 403),
        ("town_official", VILLAGE_B1, 403),
        ("town_official", VILLAGE_A2, 200),
        ("outsider", COUNTY, 403),
        ("outsider", TOWN_A, 403),
        ("county_leader", VILLAGE_B1, 200),
        ("county_leader", OTHER_COUNTY, 403),
        ("county_leader", "610727999000", 404),
        ("county_leader", "6107", 404),
    ],
)
def test_an_area_outside_the_scope_is_refused(
    dashboard: Personas, persona: str, code: str, status: int
) -> None:
    client = dashboard.client(persona)
    response = client.get(URL, {"area": code, "month": MONTH})
    assert response.status_code == status
    export = client.get(reverse("dashboard-export"), {"area": code, "month": MONTH, "table": "figures"})
    assert export.status_code == status
    if status != 200:
        assert "data-figure" not in response.content.decode()


@pytest.mark.parametrize("persona", ["unit_user", "work_team", "paired_cadre", "public"])
def test_only_county_and_town_accounts_open_the_dashboard(dashboard: Personas, persona: str) -> None:
    client = dashboard.client(persona)
    assert client.get(URL, {"month": MONTH}).status_code == 403
    assert client.get(reverse("dashboard-export"), {"month": MONTH, "table": "figures"}).status_code == 403
    assert f'href="{URL}"' not in client.get("/").content.decode()


def test_a_signed_out_visitor_is_sent_to_login(dashboard: Personas) -> None:
    from django.test import Client

    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_menu_offers_the_dashboard_to_area_wide_accounts(dashboard: Personas) -> None:
    assert f'href="{URL}"' in get_page(dashboard, "county_leader", month=MONTH)
    assert f'href="{URL}"' in dashboard.client("town_official").get("/").content.decode()


def test_a_bad_month_is_refused_with_a_reason(dashboard: Personas) -> None:
    client = dashboard.client("county_leader")
    response = client.get(URL, {"month": "2019-13"})
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()
    assert client.get(URL, {"month": "0000-05"}).status_code == 400
    export = client.get(reverse("dashboard-export"), {"month": "2019-1", "table": "trend"})
    assert export.status_code == 400


def test_the_default_month_is_that_of_the_latest_check_in_or_this_month(dashboard: Personas) -> None:
    body = get_page(dashboard, "county_leader")
    assert f'name="month" value="{timezone.localdate():%Y-%m}"' in body
    village = area(VILLAGE_A1)
    CheckIn.objects.create(
        code="C0001",
        cadre=dashboard.cadres["agri_cadre"],
        date=dt.date(2019, 11, 8),
        kind="village",
        area=village,
        area_code=village.code,
        source="api",
        valid=True,
    )
    latest = dt.date(2019, 11, 8)
    body = get_page(dashboard, "county_leader")
    assert f'name="month" value="{latest:%Y-%m}"' in body
    assert {p: t for p, (t, _) in cards(body).items()} == {
        p: shown(figures_for(area(COUNTY), f"{latest:%Y-%m}"), p) for p in dash.KEY_FIGURES
    }


def test_while_the_figures_are_built_the_page_says_so_and_reloads(
    dashboard: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pending(*args: Any, **kwargs: Any) -> Any:
        raise FiguresPending("统计生成中")

    monkeypatch.setattr("fupin.reports.views.dashboard.figures_trend", pending)
    monkeypatch.setattr("fupin.reports.views.dashboard.figures_for", pending)
    response = dashboard.client("county_leader").get(URL, {"month": MONTH})
    body = response.content.decode()
    assert PENDING in body
    assert "window.location.reload()" in body and response["Retry-After"] == "5"
    assert "data-figure" not in body
    export = dashboard.client("county_leader").get(
        reverse("dashboard-export"), {"month": MONTH, "table": "figures"}
    )
    assert export.status_code == 503 and "统计数据生成中" in export.content.decode()


# --- queries ---------------------------------------------------------------------------------------

# What the page reads besides the documents: the session and account, the menu's badges, the area,
# its ancestors, the picker, the villages with coordinates.
PAGE_OVERHEAD_QUERIES = 14


def test_the_page_reads_little_beyond_the_documents(dashboard: Personas) -> None:
    county = area(COUNTY)
    client = dashboard.client("county_leader")
    with CaptureQueriesContext(connection) as documents:
        figures_trend(county, MONTH)
        for town, _ in figures_of_children(county, MONTH):
            figures_of_children(town, MONTH)
    with CaptureQueriesContext(connection) as page:
        response = client.get(URL, {"area": COUNTY, "month": MONTH})
    assert response.status_code == 200
    assert len(page) <= len(documents) + PAGE_OVERHEAD_QUERIES, len(page) - len(documents)


def test_more_villages_cost_no_more_queries(dashboard: Personas) -> None:
    """Adding villages adds no queries to the page: documents are read per town and month, the
    picker and the map read areas at once."""
    client = dashboard.client("county_leader")

    def page_queries() -> int:
        client.get(URL, {"area": COUNTY, "month": MONTH})  # builds what is missing
        with CaptureQueriesContext(connection) as page:
            response = client.get(URL, {"area": COUNTY, "month": MONTH})
        assert response.status_code == 200
        return len(page)

    before = page_queries()
    town = area(TOWN_B)
    for n in range(3):
        Area.objects.create(
            code=f"61072710130{n}", name=f"新村{n}", level="village", parent=town, longitude=106, latitude=33
        )
    assert page_queries() == before
