"""The 清零 board: counts by area, unit and category as figures.md defines them (the county total
is `rectification_section`), 已清零 where nothing is open, drill-down links with the problem
list's filters, its charts from the platform's own ECharts, who may see it, and a query count that
does not grow with the number of problems, towns or units."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from fupin.areas.models import Area
from fupin.conftest import SYSTEM
from fupin.ledgers.tests.helpers import import_rows, messages
from fupin.people.services import units_upsert
from fupin.rectification.figures import rectification_section
from fupin.rectification.models import ProblemCategory
from fupin.rectification.selectors.board import Counts, RectificationBoard, rectification_board
from fupin.rectification.services.ledger import LEDGER_COLUMNS
from fupin.rectification.tests.conftest import Rect

D = dt.date
AS_OF = D(2019, 11, 30)
COUNTY, TOWN_A, TOWN_B = "610727000000", "610727100000", "610727101000"
A1, A2, B1 = "610727100200", "610727100201", "610727101200"
HEADER = [zh for _, zh in LEDGER_COLUMNS]
URL = "/rectification/board/"


def ledger_row(code: str, area: str, category: str, unit: str, status: str, **cells: str) -> list[str]:
    base = {
        "问题编号": code,
        "检视渠道": "座谈会",
        "问题来源": "群众提",
        "问题类别": category,
        "问题描述": f"{category}方面的问题{code}",
        "区划代码": area,
        "户编号": "",
        "发现日期": "2019-10-08",
        "责任单位编码": unit,
        "责任领导干部编号": "G1",
        "责任人干部编号": "G3",
        "整改措施": "" if status == "未整改" else "逐户核实，限期解决",
        "整改时限": "" if status == "未整改" else "2019-12-31",
        "整改状态": status,
        "完成日期": "",
        "销号日期": "",
    }
    base.update(cells)
    return [base[h] for h in HEADER]


def problem_set() -> None:
    """P1–P6 found by 2019-11-30 in 略阳县, P7 found after, P8 in the other county."""
    rows = [
        HEADER,
        ledger_row("P1", A1, "住房安全", "U2", "已销号", 完成日期="2019-11-20", 销号日期="2019-11-25"),
        ledger_row("P2", A1, "住房安全", "U2", "整改中", 整改时限="2019-11-15"),
        ledger_row("P3", A2, "饮水安全", "U2", "已整改", 整改时限="2019-11-30", 完成日期="2019-12-05"),
        ledger_row("P4", B1, "教育保障", "U5", "整改中", 检视渠道="巡察", 问题来源="上级点"),
        ledger_row("P5", TOWN_A, "医疗保障", "U1", "已整改", 完成日期="2019-11-10", 检视渠道="个别谈话"),
        ledger_row("P6", COUNTY, "产业发展", "U1", "未整改", 发现日期="2019-11-01", 检视渠道="意见箱"),
        ledger_row("P7", A1, "住房安全", "U2", "整改中", 发现日期="2019-12-02"),
        ledger_row(
            "P8", "610726000000", "住房安全", "U9", "整改中", 责任领导干部编号="", 责任人干部编号="G9"
        ),
    ]
    outcome = import_rows("problems", rows)
    assert outcome.ok, messages(outcome)


@pytest.fixture
def problems(rect: Rect) -> Rect:
    problem_set()
    return rect


def counts(row: Any) -> tuple[int, int, int, int, int]:
    c: Counts = row.total if isinstance(row, RectificationBoard) else row.counts
    return (c.found, c.rectified, c.closed, c.open, c.overdue)


def by_label(rows: list[Any]) -> dict[str, tuple[int, int, int, int, int]]:
    return {row.label: counts(row) for row in rows}


# -- the counts -------------------------------------------------------------------------------
@pytest.mark.parametrize("code", [COUNTY, TOWN_A, TOWN_B, A1, A2])
@pytest.mark.parametrize("as_of", [D(2019, 10, 7), D(2019, 11, 15), AS_OF, D(2019, 12, 10)])
def test_the_board_total_is_the_figures_rectification_section(
    problems: Rect, code: str, as_of: dt.date
) -> None:
    board = rectification_board(Area.objects.get(code=code), as_of)
    section = rectification_section(code, as_of)
    assert counts(board) == tuple(section[k] for k in ("found", "rectified", "closed", "open", "overdue"))
    assert sum(row.counts.found for row in board.by_category) == section["found"]
    assert {row.label: row.counts.found for row in board.by_category} == section["by_category"]
    assert sum(row.counts.found for row in board.by_unit) == section["found"]
    assert sum(row.counts.open for row in board.by_area) == (section["open"] if board.by_area else 0)


def test_hand_counted_by_town_unit_and_category(problems: Rect) -> None:
    board = rectification_board(Area.objects.get(code=COUNTY), AS_OF)
    assert counts(board) == (6, 2, 1, 4, 1)
    assert board.child_level == "乡镇"
    assert by_label(board.by_area) == {
        "县本级": (1, 0, 0, 1, 0),
        "兴州街道": (4, 2, 1, 2, 1),
        "接官亭镇": (1, 0, 0, 1, 0),
    }
    assert [row.label for row in board.by_area] == ["县本级", "兴州街道", "接官亭镇"]
    assert by_label(board.by_unit) == {
        "县农业农村局": (3, 1, 1, 2, 1),
        "县扶贫开发局": (2, 1, 0, 1, 0),
        "接官亭镇人民政府": (1, 0, 0, 1, 0),
    }
    assert board.by_unit[0].label == "县农业农村局"  # the most open first
    assert by_label(board.by_category) == {
        "住房安全": (2, 1, 1, 1, 1),
        "饮水安全": (1, 0, 0, 1, 0),
        "医疗保障": (1, 1, 0, 0, 0),
        "教育保障": (1, 0, 0, 1, 0),
        "产业发展": (1, 0, 0, 1, 0),
    }
    cleared = {row.label for row in board.by_category if row.counts.cleared}
    assert cleared == {"医疗保障"}


def test_drilling_into_a_town_shows_its_own_level_and_villages(problems: Rect) -> None:
    board = rectification_board(Area.objects.get(code=TOWN_A), AS_OF)
    assert board.child_level == "村"
    assert by_label(board.by_area) == {
        "镇本级": (1, 1, 0, 0, 0),
        "黄家坝村": (2, 1, 1, 1, 1),
        "石门沟村": (1, 0, 0, 1, 0),
    }
    assert all(row.drill_code is None for row in board.by_area)
    # On 2019-12-10 P3 (completed 12-05) is rectified too: 石门沟村 is cleared.
    later = rectification_board(Area.objects.get(code=TOWN_A), D(2019, 12, 10))
    assert {row.label for row in later.by_area if row.counts.cleared} == {"镇本级", "石门沟村"}


def test_a_town_without_problems_is_listed_with_zeros_and_not_cleared(problems: Rect) -> None:
    Area.objects.create(code="610727102000", name="白水江镇", level="town", parent=rect_county())
    board = rectification_board(rect_county(), AS_OF)
    row = next(r for r in board.by_area if r.label == "白水江镇")
    assert counts(row) == (0, 0, 0, 0, 0) and not row.counts.cleared


def rect_county() -> Area:
    return Area.objects.get(code=COUNTY)


# -- the page ---------------------------------------------------------------------------------
def _query(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query)


def test_the_page_shows_counts_badges_and_links_to_the_filtered_problem_list(problems: Rect) -> None:
    client = problems.personas.client("county_admin")
    response = client.get(URL, {"as_of": "2019-11-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="found" href=' in html and ">6</a>" in html
    assert "已清零" in html and "有逾期" in html
    context = response.context
    path, query = _query(context["total_links"]["open"])
    assert path == "/rectification/problems/"
    assert query == {"area": [COUNTY], "status": ["open", "in_progress"], "as_of": ["2019-11-30"]}
    unit = next(r for r in context["by_unit"] if r["label"] == "县农业农村局")
    assert _query(unit["links"]["overdue"])[1] == {
        "area": [COUNTY],
        "unit": ["U2"],
        "overdue": ["1"],
        "as_of": ["2019-11-30"],
    }
    category = next(r for r in context["by_category"] if r["label"] == "住房安全")
    housing = ProblemCategory.objects.get(county__code=COUNTY, name="住房安全")
    assert _query(category["links"]["rectified"])[1] == {
        "area": [COUNTY],
        "category": [str(housing.pk)],
        "status": ["rectified", "closed"],
        "as_of": ["2019-11-30"],
    }
    town = next(r for r in context["by_area"] if r["label"] == "兴州街道")
    assert _query(town["links"]["closed"])[1] == {
        "area": [TOWN_A],
        "status": ["closed"],
        "as_of": ["2019-11-30"],
    }
    assert _query(town["drill"]) == (URL, {"area": [TOWN_A], "as_of": ["2019-11-30"]})
    own = next(r for r in context["by_area"] if r["label"] == "县本级")
    assert own["links"] == {} and own["drill"] is None


def test_the_charts_come_from_the_platforms_own_echarts(problems: Rect) -> None:
    response = problems.personas.client("county_admin").get(URL, {"as_of": "2019-11-30"})
    html = response.content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert finders.find("vendor/echarts/echarts.min.js") is not None
    charts = response.context["charts"]
    assert charts["areas"] == ["县本级", "兴州街道", "接官亭镇"]
    assert charts["open"] == [1, 2, 1]
    assert {c["name"]: c["value"] for c in charts["categories"]}["住房安全"] == 2
    assert 'id="board-charts"' in html and 'id="chart-areas"' in html


def test_a_cleared_county_wears_the_badge(rect: Rect) -> None:
    rows = [HEADER, ledger_row("P1", A1, "住房安全", "U2", "已整改", 完成日期="2019-11-20")]
    assert import_rows("problems", rows).ok
    html = rect.personas.client("county_admin").get(URL, {"as_of": "2019-11-30"}).content.decode()
    assert 'data-figure="cleared"' in html


def test_a_town_official_sees_the_town_and_not_the_county(problems: Rect) -> None:
    client = problems.personas.client("town_official")
    response = client.get(URL, {"as_of": "2019-11-30"})
    assert response.status_code == 200
    assert response.context["area"].code == TOWN_A
    assert counts(response.context["board"]) == (4, 2, 1, 2, 1)
    assert client.get(URL, {"area": COUNTY}).status_code == 404
    assert client.get(URL, {"area": TOWN_B}).status_code == 404
    assert client.get(URL, {"area": A1}).status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("paired_cadre", 403), ("work_team", 403), ("public", 403)])
def test_people_without_an_area_to_steer_may_not_see_the_board(
    problems: Rect, persona: str, status: int
) -> None:
    assert problems.personas.client(persona).get(URL).status_code == status


def test_an_outsider_cannot_open_another_countys_board(problems: Rect) -> None:
    client = problems.personas.client("outsider")
    assert client.get(URL, {"area": COUNTY}).status_code == 404
    own = client.get(URL, {"as_of": "2019-11-30"})
    assert own.status_code == 200 and counts(own.context["board"]) == (1, 0, 0, 1, 0)


def test_anonymous_users_are_sent_to_log_in(db: None, client: Any) -> None:
    assert client.get(URL).status_code == 302


def _grow(n_towns: int, per_town: int) -> None:
    county = rect_county()
    rows = [HEADER]
    units = []
    for t in range(n_towns):
        code = f"610727{110 + t:03d}000"
        Area.objects.create(code=code, name=f"新镇{t}", level="town", parent=county)
        units.append(
            {"code": f"UX{t}", "name": f"新单位{t}", "kind": "party_gov", "parent_code": None, "area": None}
        )
        for p in range(per_town):
            rows.append(ledger_row(f"X{t}-{p}", code, f"类别{p % 5}", f"UX{t}", "整改中"))
    units_upsert(actor=SYSTEM, rows=units)
    outcome = import_rows("problems", rows)
    assert outcome.ok, messages(outcome)


def test_the_query_count_does_not_grow_with_problems_towns_or_units(
    problems: Rect, django_assert_max_num_queries: Any
) -> None:
    client = problems.personas.client("county_admin")
    client.get(URL)  # warm the session and content types
    # The board's own queries are seven; the rest are the session, the account and the navigation.
    with django_assert_max_num_queries(20) as small:
        assert client.get(URL, {"as_of": "2019-12-31"}).status_code == 200
    _grow(n_towns=8, per_town=6)
    with django_assert_max_num_queries(20) as large:
        response = client.get(URL, {"as_of": "2019-12-31"})
    assert len(response.context["by_area"]) == 11
    assert len(large.captured_queries) == len(small.captured_queries)


# -- the figures ------------------------------------------------------------------------------
def test_the_figures_command_carries_the_rectification_section(problems: Rect) -> None:
    out = io.StringIO()
    call_command("figures", "--area", COUNTY, "--month", "2019-11", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["rectification"] == rectification_section(COUNTY, AS_OF)
    assert document["rectification"]["found"] == 6
    assert document["rectification"]["by_channel"] == {"座谈会": 3, "巡察": 1, "个别谈话": 1, "意见箱": 1}


def test_a_town_official_gets_the_towns_rectification_figures_through_the_api(problems: Rect) -> None:
    client = problems.personas.client("town_official")
    response = client.get("/api/figures/", {"month": "2019-11"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["area"] == TOWN_A
    assert body["rectification"] == {
        "found": 4,
        "rectified": 2,
        "closed": 1,
        "open": 2,
        "overdue": 1,
        "by_category": {"医疗保障": 1, "住房安全": 2, "饮水安全": 1},
        "by_channel": {"个别谈话": 1, "座谈会": 3},
    }
    assert body["rectification"] == rectification_section(TOWN_A, AS_OF)
    later = client.get("/api/figures/", {"month": "2019-12", "as_of": "2019-12-10"}).json()
    assert (later["rectification"]["rectified"], later["rectification"]["open"]) == (
        3,
        2,
    )  # P3 done, P7 found
    for area in (COUNTY, TOWN_B):
        refused = client.get("/api/figures/", {"month": "2019-11", "area": area})
        assert refused.status_code == 403 and "rectification" not in refused.json()
