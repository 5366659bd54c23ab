"""Integrated agricultural funds: sources, projects and allocations with spending; the ledgers'
rejections (over-allocation counting stored allocations, over-spending, other county or year) and
the finance figures of the funds."""

from __future__ import annotations

import pytest

from fupin.areas.models import Area
from fupin.industry.models import FundAllocation, FundSource
from fupin.industry.tests.conftest import Solar
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import COUNTY_ONLY, error_cells, import_rows, messages
from fupin.reports.figures import figures_document

pytestmark = pytest.mark.django_db
SOURCES = ["资金编码", "年度", "资金名称", "资金级次", "县区划代码", "金额（元）"]
PROJECTS = ["项目编码", "年度", "项目名称", "项目类别", "实施区划代码"]
ALLOCATIONS = ["资金编码", "项目编码", "安排金额（元）", "已支出（元）"]


@pytest.fixture
def funded(solar: Solar) -> Solar:
    assert import_rows(
        "fund-sources",
        [
            SOURCES,
            ["ZJ1", "2019", "中央财政专项扶贫资金", "中央", "610727000000", "1,000,000"],
            ["ZJ2", "2019", "县级配套", "县级", "610727000000", "200000.50"],
        ],
    ).ok
    assert import_rows(
        "fund-projects",
        [
            PROJECTS,
            ["XM1", "2019", "黄家坝村产业路", "基础设施", "610727100200"],
            ["XM2", "2019", "乌鸡养殖基地", "产业发展", "610727101200"],
            ["XM8", "2018", "旧项目", "其他", "610727100200"],
        ],
    ).ok
    outcome = import_rows(
        "fund-allocations",
        [
            ALLOCATIONS,
            ["ZJ1", "XM1", "600000", "450000"],
            ["ZJ1", "XM2", "400000", ""],
            ["ZJ2", "XM2", "200000.50", "100000"],
        ],
    )
    assert outcome.ok, messages(outcome)
    return solar


def test_fund_figures_by_area(funded: Solar) -> None:
    county = figures_document(Area.objects.get(code="610727000000"), "2019-12")["finance"]
    assert {
        k: county[k]
        for k in (
            "integrated_fund_fen",
            "integrated_projects",
            "integrated_allocated_fen",
            "integrated_spent_fen",
        )
    } == {
        "integrated_fund_fen": 120000050,
        "integrated_projects": 2,
        "integrated_allocated_fen": 120000050,
        "integrated_spent_fen": 55000000,
    }
    town_b = figures_document(funded.personas.county.town_b, "2019-12")["finance"]
    assert (
        town_b["integrated_fund_fen"],
        town_b["integrated_allocated_fen"],
        town_b["integrated_spent_fen"],
    ) == (0, 60000050, 10000000)


def test_a_source_is_never_allocated_beyond_its_amount_counting_stored_allocations(funded: Solar) -> None:
    assert import_rows("fund-projects", [PROJECTS, ["XM3", "2019", "村道", "基础设施", "610727100201"]]).ok
    over = import_rows("fund-allocations", [ALLOCATIONS, ["ZJ1", "XM3", "0.01", ""]])
    assert (2, "安排金额（元）") in error_cells(over)
    assert "资金“中央财政专项扶贫资金”共1,000,000.00元，安排合计1,000,000.01元" in messages(over)
    # Rewriting an existing allocation downward makes room.
    moved = import_rows(
        "fund-allocations", [ALLOCATIONS, ["ZJ1", "XM1", "500000", "450000"], ["ZJ1", "XM3", "100000", ""]]
    )
    assert moved.ok, messages(moved)
    shrink = import_rows(
        "fund-sources", [SOURCES, ["ZJ1", "2019", "中央财政专项扶贫资金", "中央", "610727000000", "999999"]]
    )
    assert "该资金已安排到项目1,000,000.00元" in messages(shrink)


@pytest.mark.parametrize(
    ("ledger", "header", "row", "column", "reason"),
    [
        (
            "fund-allocations",
            ALLOCATIONS,
            ["ZJ2", "XM1", "100", "100.01"],
            "已支出（元）",
            "已支出超过安排金额100.00元",
        ),
        ("fund-allocations", ALLOCATIONS, ["ZJ9", "XM1", "100", ""], "资金编码", "资金编码不存在"),
        ("fund-allocations", ALLOCATIONS, ["ZJ2", "XM9", "100", ""], "项目编码", "项目编码不存在"),
        (
            "fund-allocations",
            ALLOCATIONS,
            ["ZJ2", "XM8", "100", ""],
            "项目编码",
            "项目年度2018与资金年度2019不同",
        ),
        ("fund-allocations", ALLOCATIONS, ["ZJ2", "XM1", "0", ""], "安排金额（元）", "须大于0"),
        (
            "fund-sources",
            SOURCES,
            ["ZJ9", "2019", "某资金", "乡级", "610727000000", "1"],
            "资金级次",
            "应为以下之一",
        ),
        (
            "fund-sources",
            SOURCES,
            ["ZJ9", "2019", "某资金", "县级", "610727100000", "1"],
            "县区划代码",
            "县级区划代码",
        ),
        (
            "fund-sources",
            SOURCES,
            ["ZJ9", "2019", "某资金", "县级", "610726000000", "1"],
            "县区划代码",
            "不在您的管辖范围内",
        ),
        (
            "fund-projects",
            PROJECTS,
            ["XM9", "2019", "某项目", "产业发展", "610726100200"],
            "实施区划代码",
            "",
        ),
        (
            "fund-projects",
            PROJECTS,
            ["XM9", "2019", "某项目", "修路", "610727100200"],
            "项目类别",
            "应为以下之一",
        ),
    ],
)
def test_bad_rows_reject_the_file(
    funded: Solar, ledger: str, header: list[str], row: list[str], column: str, reason: str
) -> None:
    before = (FundSource.objects.count(), FundAllocation.objects.count())
    outcome = import_rows(ledger, [header, row], scope=COUNTY_ONLY)
    assert (2, column) in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert (FundSource.objects.count(), FundAllocation.objects.count()) == before


def test_exports_import_back_unchanged(funded: Solar) -> None:
    for ledger in ("fund-sources", "fund-projects", "fund-allocations"):
        definition = LEDGERS[ledger]
        rows = list(definition.export_rows(COUNTY_ONLY))
        header = [c.zh for c in definition.columns]
        again = import_rows(ledger, [header, *[[r[c.key] for c in definition.columns] for r in rows]])
        assert again.ok and again.reports[0].result.unchanged == len(rows) > 0, ledger


def test_the_funds_page_shows_progress_by_persona(funded: Solar) -> None:
    page = funded.personas.client("county_leader").get("/industry/funds/?year=2019").content.decode()
    assert 'data-project="XM1"' in page and 'data-project="XM2"' in page and "75.0%" in page
    team = funded.personas.client("work_team").get("/industry/funds/?year=2019").content.decode()
    assert 'data-project="XM1"' in team and 'data-project="XM2"' not in team
