"""The rectification ledger (整改台账) in Excel and the summary in Word, each read back and compared
with the figures: the Excel in the `problems` columns plus progress, the Word with its overview,
tables and overdue list."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from fupin.areas.models import Area
from fupin.conftest import SYSTEM
from fupin.core.models import ChangeLog
from fupin.ledgers.tests.helpers import import_file, messages, totals
from fupin.rectification.exports import LEDGER_HEADER, ledger_xlsx, summary_docx
from fupin.rectification.figures import rectification_section
from fupin.rectification.models import Problem, ProblemCategory, Task
from fupin.rectification.selectors.board import LedgerFilter, rectification_board
from fupin.rectification.services.workflow import problem_start
from fupin.rectification.tests.conftest import Rect
from fupin.rectification.tests.test_board import AS_OF, COUNTY, TOWN_A, problem_set

D = dt.date
XLSX_URL = "/rectification/board/ledger.xlsx"
DOCX_URL = "/rectification/board/summary.docx"


@pytest.fixture
def problems(rect: Rect) -> Rect:
    problem_set()
    p2 = Problem.objects.get(code="P2")
    owner = rect.cadre("G3")
    Task.objects.create(
        problem=p2, title="核实名单", owner=owner, deadline=D(2019, 11, 1), done_on=D(2019, 10, 30)
    )
    Task.objects.create(problem=p2, title="拨付资金", owner=owner, deadline=D(2019, 11, 15))
    return rect


def county() -> Area:
    return Area.objects.get(code=COUNTY)


def workbook_rows(data: bytes) -> tuple[Any, list[list[Any]]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


# -- Excel ------------------------------------------------------------------------------------
def test_the_ledger_has_the_problems_columns_progress_a_styled_frozen_header_and_widths(
    problems: Rect,
) -> None:
    sheet, rows = workbook_rows(ledger_xlsx(LedgerFilter(county(), AS_OF)))
    assert rows[0] == LEDGER_HEADER
    assert LEDGER_HEADER[:16][0] == "问题编号" and LEDGER_HEADER[16:] == [
        "已历天数",
        "逾期天数",
        "最近进展",
        "最近进展日期",
        "任务完成情况",
    ]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["E"].width == 40  # 问题描述
    section = rectification_section(COUNTY, AS_OF)
    assert len(rows) - 1 == section["found"]
    by_code = {row[0]: dict(zip(LEDGER_HEADER, row, strict=True)) for row in rows[1:]}
    assert sorted(by_code) == ["P1", "P2", "P3", "P4", "P5", "P6"]
    p2 = by_code["P2"]
    assert (p2["整改状态"], p2["整改时限"], p2["责任单位编码"]) == ("整改中", "2019-11-15", "U2")
    assert (p2["已历天数"], p2["逾期天数"], p2["任务完成情况"]) == (53, 15, "1/2")
    assert (p2["最近进展"], p2["最近进展日期"]) == ("开始整改", "2019-10-08")
    p1 = by_code["P1"]
    assert (p1["已历天数"], p1["逾期天数"], p1["最近进展"], p1["最近进展日期"]) == (
        43,
        0,
        "核验销号",
        "2019-11-25",
    )
    # P3 was completed after the date: as of 2019-11-30 it is still open, due that day, not overdue.
    assert (by_code["P3"]["已历天数"], by_code["P3"]["逾期天数"]) == (53, 0)
    overdue = sum(1 for row in by_code.values() if row["逾期天数"])
    assert overdue == section["overdue"]
    open_rows = [r for r in by_code.values() if r["已历天数"] == (AS_OF - D(2019, 10, 8)).days]
    assert len(open_rows) >= 1


def test_the_ledger_is_filtered_like_the_board(problems: Rect) -> None:
    town = Area.objects.get(code=TOWN_A)
    _, rows = workbook_rows(ledger_xlsx(LedgerFilter(town, AS_OF)))
    assert sorted(r[0] for r in rows[1:]) == ["P1", "P2", "P3", "P5"]
    _, rows = workbook_rows(ledger_xlsx(LedgerFilter(county(), AS_OF, unit_code="U1")))
    assert sorted(r[0] for r in rows[1:]) == ["P5", "P6"]
    housing = ProblemCategory.objects.get(county__code=COUNTY, name="住房安全")
    _, rows = workbook_rows(ledger_xlsx(LedgerFilter(county(), AS_OF, category_id=housing.pk)))
    assert sorted(r[0] for r in rows[1:]) == ["P1", "P2"]
    _, rows = workbook_rows(ledger_xlsx(LedgerFilter(county(), D(2019, 10, 31))))
    assert sorted(r[0] for r in rows[1:]) == ["P1", "P2", "P3", "P4", "P5"]


def test_the_ledger_workbook_imports_back_as_a_problems_ledger_unchanged(problems: Rect) -> None:
    changes = ChangeLog.objects.count()
    data = ledger_xlsx(LedgerFilter(county(), D(2019, 12, 10)))
    outcome = import_file("problems", data, "problems.xlsx")
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (0, 0, 7)
    assert {w.column for w in outcome.warnings} == {
        "已历天数",
        "逾期天数",
        "最近进展",
        "最近进展日期",
        "任务完成情况",
    }
    assert ChangeLog.objects.count() == changes


def test_the_last_step_follows_the_workflow(problems: Rect) -> None:
    p6 = Problem.objects.get(code="P6")
    problem_start(
        actor=SYSTEM,
        scope=problems.scope("county_admin"),
        problem=p6,
        expected_version=p6.version,
        measures="制定产业发展方案",
        deadline=D(2019, 12, 20),
        on=D(2019, 11, 5),
        responsible_person=problems.cadre("G2"),
    )
    _, rows = workbook_rows(ledger_xlsx(LedgerFilter(county(), AS_OF)))
    row = dict(zip(LEDGER_HEADER, next(r for r in rows if r[0] == "P6"), strict=True))
    assert (row["整改状态"], row["最近进展"], row["最近进展日期"]) == ("整改中", "开始整改", "2019-11-05")


# -- Word -------------------------------------------------------------------------------------
def _table_rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_summary_states_the_figures_in_an_official_report(problems: Rect) -> None:
    document = Document(io.BytesIO(summary_docx(county(), AS_OF)))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[0] == "略阳县脱贫攻坚问题整改情况报告"
    assert paragraphs[1] == "（截至2019年11月30日）"
    assert [p for p in paragraphs if p[:2] in {"一、", "二、", "三、", "四、", "五、"}] == [
        "一、总体情况",
        "二、分类别整改情况",
        "三、分乡镇整改情况",
        "四、逾期未整改问题",
        "五、下一步工作",
    ]
    s = rectification_section(COUNTY, AS_OF)
    overview = paragraphs[3]
    assert overview.startswith(f"截至2019年11月30日，略阳县共检视问题{s['found']}条，其中座谈会3条、")
    assert f"已整改{s['rectified']}条，整改率33.3%" in overview
    assert f"已核验销号{s['closed']}条，销号率16.7%" in overview
    assert (
        f"尚未整改完成{s['open']}条，其中3条已制定整改措施、正在推进整改，1条正在研究制定整改措施" in overview
    )
    assert f"超过整改时限仍未完成的{s['overdue']}条，占未整改问题的25.0%" in overview
    for channel, n in s["by_channel"].items():
        assert f"{channel}{n}条" in overview
    categories, towns, overdue = document.tables
    board = rectification_board(county(), AS_OF)
    assert _table_rows(categories)[0] == [
        "序号",
        "问题类别",
        "检视问题",
        "已整改",
        "已销号",
        "未整改",
        "逾期",
        "整改率",
    ]
    by_category = {row[1]: row[2:] for row in _table_rows(categories)[1:]}
    assert {name: int(cells[0]) for name, cells in by_category.items() if name != "合计"} == s["by_category"]
    assert by_category["合计"] == ["6", "2", "1", "4", "1", "33.3%"]
    assert by_category["医疗保障"] == ["1", "1", "0", "0", "0", "100.0%"]
    by_town = {row[1]: row[2:7] for row in _table_rows(towns)[1:]}
    assert by_town == {
        row.label: [
            str(v)
            for v in (
                row.counts.found,
                row.counts.rectified,
                row.counts.closed,
                row.counts.open,
                row.counts.overdue,
            )
        ]
        for row in board.by_area
    } | {"合计": ["6", "2", "1", "4", "1"]}
    assert _table_rows(overdue)[1:] == [
        ["1", "P2", "住房安全方面的问题P2", "黄家坝村", "县农业农村局", "2019-11-15", "15"]
    ]
    assert "超过整改时限仍未整改完成的问题共1条。" in paragraphs
    assert any(p.startswith("下一步，将对尚未整改的4条问题") for p in paragraphs)


def test_a_cleared_area_says_so(problems: Rect) -> None:
    document = Document(io.BytesIO(summary_docx(Area.objects.get(code="610727100201"), D(2019, 12, 10))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "共检视问题1条" in text and "已全部整改到位，实现清零" in text
    assert "无逾期未整改问题。" in text
    assert len(document.tables) == 1  # a village has no table of areas below it, no overdue list


def test_an_area_without_problems(rect: Rect) -> None:
    document = Document(io.BytesIO(summary_docx(county(), AS_OF)))
    assert "截至2019年11月30日，略阳县尚未检视出问题。" in [p.text for p in document.paragraphs]


# -- the downloads ----------------------------------------------------------------------------
def test_the_downloads_carry_the_board_area_and_date(problems: Rect) -> None:
    client = problems.personas.client("town_official")
    response = client.get(XLSX_URL, {"as_of": "2019-11-30"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''%E6%95%B4%E6%94%B9%E5%8F%B0%E8%B4%A6" in response["Content-Disposition"]
    _, rows = workbook_rows(response.content)
    assert sorted(r[0] for r in rows[1:]) == ["P1", "P2", "P3", "P5"]
    response = client.get(DOCX_URL, {"as_of": "2019-11-30"})
    assert response.status_code == 200
    assert Document(io.BytesIO(response.content)).paragraphs[0].text == "兴州街道脱贫攻坚问题整改情况报告"
    assert client.get(XLSX_URL, {"area": COUNTY}).status_code == 404
    assert problems.personas.client("paired_cadre").get(DOCX_URL).status_code == 403
