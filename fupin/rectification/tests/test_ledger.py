"""The problems ledger (ledgers.md, problems 问题台账): every column, required rule and value set,
the references and the importing user's area, each error with its row and column and nothing
written; the workflow history of every status change an import makes; the round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from fupin.conftest import make_id
from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.ledgers.exports import ledger_export_csv, ledger_export_xlsx, ledger_template
from fupin.ledgers.registry import LEDGERS, dependency_order
from fupin.ledgers.tests.helpers import (
    CADRES_HEADER,
    EVERYTHING,
    error_cells,
    import_file,
    import_rows,
    messages,
    run_command,
    sheet_rows,
    totals,
    write_csv,
)
from fupin.rectification.models import (
    Intake,
    Problem,
    ProblemAction,
    ProblemCategory,
    ProblemEvent,
    ProblemStatus,
)
from fupin.rectification.services.ledger import LEDGER_COLUMNS, LEDGER_NOTE, status_steps
from fupin.rectification.services.problems import DEFAULT_CATEGORIES
from fupin.rectification.tests.conftest import Rect
from fupin.registry.models import Household

D = dt.date
S = ProblemStatus
HEADER = [zh for _, zh in LEDGER_COLUMNS]
A1, A2, B1, TOWN_A, TOWN_B, COUNTY = (
    "610727100200",
    "610727100201",
    "610727101200",
    "610727100000",
    "610727101000",
    "610727000000",
)
TOWN_A_SCOPE = Scope(role="town_official", area_prefixes=("610727100",), root_area_code=TOWN_A)


def row(code: str = "P1", **cells: Any) -> list[Any]:
    """A valid 整改中 row of village A1, with `cells` (Chinese headers) replaced."""
    base = {
        "问题编号": code,
        "检视渠道": "座谈会",
        "问题来源": "群众提",
        "问题类别": "住房安全",
        "问题描述": "危房改造补助未及时到户",
        "区划代码": A1,
        "户编号": "",
        "发现日期": "2019-10-08",
        "责任单位编码": "U2",
        "责任领导干部编号": "G1",
        "责任人干部编号": "G3",
        "整改措施": "核实名单后拨付",
        "整改时限": "2019-11-30",
        "整改状态": "整改中",
        "完成日期": "",
        "销号日期": "",
    }
    base.update(cells)
    return [base[h] for h in HEADER]


def done(code: str, **cells: Any) -> list[Any]:
    return row(code, 整改状态="已整改", 完成日期="2019-11-20", **cells)


def closed(code: str, **cells: Any) -> list[Any]:
    return row(code, 整改状态="已销号", 完成日期="2019-11-20", 销号日期="2019-11-25", **cells)


def opened(code: str, **cells: Any) -> list[Any]:
    return row(code, 整改状态="未整改", 整改措施="", 整改时限="", **cells)


@pytest.fixture
def households(rect: Rect) -> dict[str, Household]:
    c = rect.county
    made = {}
    for code, village in (("H1", c.village_a1), ("H2", c.village_b1)):
        made[code] = Household.objects.create(
            code=code,
            village=village,
            area_code=village.code,
            head_name=f"户主{code}",
            head_id_number=make_id(100 + int(code[1])),
            size=2,
            identification_standard="national",
            category="general",
            main_cause="illness",
            poverty_status="not_out",
            registered_year=2016,
        )
    return made


def events(code: str) -> list[tuple[str, str, str, dt.date, str]]:
    return [
        (e.action, e.from_status, e.to_status, e.on, e.note)
        for e in ProblemEvent.objects.filter(problem__code=code).order_by("id")
    ]


# -- writing ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_files_problems_in_every_state_with_their_history(
    rect: Rect, households: dict[str, Household], fmt: str
) -> None:
    outcome = import_rows(
        "problems",
        [
            HEADER,
            opened("P0", 户编号="H1"),
            row("P1"),
            done("P2", 区划代码=TOWN_A, 检视渠道="巡察", 问题来源="上级点"),
            closed("P3", 区划代码=COUNTY, 问题类别="教育保障", 责任领导干部编号="", 责任人干部编号=""),
        ],
        fmt=fmt,
    )
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (4, 0, 0)
    p0, p1, p2, p3 = (Problem.objects.get(code=f"P{n}") for n in range(4))
    assert (p0.status, p0.household, p0.measures, p0.deadline) == (S.OPEN, households["H1"], "", None)
    assert (p1.status, p1.deadline, p1.responsible_person.code) == (S.IN_PROGRESS, D(2019, 11, 30), "G3")
    assert (p2.area_code, p2.channel, p2.origin, p2.completed_date) == (
        TOWN_A,
        "patrol",
        "superior",
        D(2019, 11, 20),
    )
    assert (p3.status, p3.closed_date, p3.responsible_leader, p3.category.name) == (
        S.CLOSED,
        D(2019, 11, 25),
        None,
        "教育保障",
    )
    assert {p.intake for p in (p0, p1, p2, p3)} == {Intake.LEDGER}
    found = D(2019, 10, 8)
    create = (ProblemAction.CREATE, "", S.OPEN, found, LEDGER_NOTE)
    assert events("P0") == [create]
    assert events("P1") == [create, (ProblemAction.START, S.OPEN, S.IN_PROGRESS, found, LEDGER_NOTE)]
    assert events("P3") == [
        create,
        (ProblemAction.START, S.OPEN, S.IN_PROGRESS, found, LEDGER_NOTE),
        (ProblemAction.RECTIFY, S.IN_PROGRESS, S.RECTIFIED, D(2019, 11, 20), LEDGER_NOTE),
        (ProblemAction.CLOSE, S.RECTIFIED, S.CLOSED, D(2019, 11, 25), LEDGER_NOTE),
    ]
    assert ChangeLog.objects.filter(object_type="rectification.problem", action="create").count() == 4


def test_english_headers_are_accepted(rect: Rect) -> None:
    english = [key for key, _ in LEDGER_COLUMNS]
    assert import_rows("problems", [english, row("P1")]).ok
    assert Problem.objects.get(code="P1").status == S.IN_PROGRESS


def test_a_new_category_is_added_to_the_county_and_a_county_without_any_gets_the_defaults(
    rect: Rect,
) -> None:
    assert import_rows("problems", [HEADER, row("P1", 问题类别="移民搬迁安置")]).ok
    category = Problem.objects.get(code="P1").category
    assert (category.name, category.county.code) == ("移民搬迁安置", COUNTY)
    assert category.order == len(DEFAULT_CATEGORIES) + 1  # after the defaults
    Problem.objects.all().delete()
    ProblemCategory.objects.all().delete()
    assert import_rows("problems", [HEADER, row("P2", 问题类别="新类别")]).ok
    assert ProblemCategory.objects.filter(county__code=COUNTY).count() == len(DEFAULT_CATEGORIES) + 1


# -- every rule -------------------------------------------------------------------------------
def test_a_missing_required_column_rejects_the_file(rect: Rect) -> None:
    header = [h for h in HEADER if h != "整改状态"]
    outcome = import_rows("problems", [header, row("P1")[:-3]])
    assert not outcome.ok
    assert "缺少必填列“整改状态”" in messages(outcome)


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"检视渠道": "微信"}, "检视渠道", "应为以下之一"),
        ({"问题来源": "自查"}, "问题来源", "应为以下之一"),
        ({"整改状态": "已完成"}, "整改状态", "应为以下之一"),
        ({"问题描述": ""}, "问题描述", "必填项为空"),
        ({"问题类别": ""}, "问题类别", "必填项为空"),
        ({"问题类别": "类" * 51}, "问题类别", "不能超过50个字符"),
        ({"问题编号": "P" * 41}, "问题编号", "不能超过40个字符"),
        ({"责任单位编码": ""}, "责任单位编码", "必填项为空"),
        ({"发现日期": "2019-13-01"}, "发现日期", "日期不存在"),
        ({"发现日期": "2999-01-01", "整改时限": "2999-02-01"}, "发现日期", "不能晚于今天"),
        ({"区划代码": "6107271002"}, "区划代码", "应为12位数字"),
        ({"区划代码": "610700000000"}, "区划代码", "应为县、乡镇或村的区划代码"),
        ({"区划代码": "610727100299"}, "区划代码", "区划代码不存在"),
        ({"户编号": "H9"}, "户编号", "户编号不存在"),
        ({"户编号": "H2"}, "户编号", "该户不在黄家坝村"),
        ({"责任单位编码": "U77"}, "责任单位编码", "责任单位编码不存在"),
        ({"责任单位编码": "U9"}, "责任单位编码", "该单位不属于略阳县"),
        ({"责任领导干部编号": "G77"}, "责任领导干部编号", "干部编号不存在"),
        ({"责任人干部编号": "G9"}, "责任人干部编号", "该干部不属于略阳县"),
        ({"整改措施": ""}, "整改措施", "“整改中”的问题须填写整改措施"),
        ({"整改时限": ""}, "整改时限", "“整改中”的问题须填写整改时限"),
        ({"整改时限": "2019-10-07"}, "整改时限", "整改时限不能早于发现日期"),
        ({"整改状态": "已整改"}, "完成日期", "“已整改”的问题须填写完成日期"),
        ({"完成日期": "2019-11-01"}, "完成日期", "“整改中”的问题不应有完成日期"),
        ({"整改状态": "已整改", "完成日期": "2019-10-01"}, "完成日期", "完成日期不能早于发现日期"),
        ({"整改状态": "已销号", "完成日期": "2019-11-01"}, "销号日期", "“已销号”的问题须填写销号日期"),
        (
            {"整改状态": "已销号", "完成日期": "2019-11-01", "销号日期": "2019-10-31"},
            "销号日期",
            "销号日期不能早于完成日期",
        ),
        (
            {"整改状态": "已整改", "完成日期": "2019-11-01", "销号日期": "2019-11-02"},
            "销号日期",
            "不应有销号日期",
        ),
        (
            {"整改状态": "已销号", "整改措施": "", "完成日期": "2019-11-01", "销号日期": "2019-11-02"},
            "整改措施",
            "须填写整改措施",
        ),
    ],
)
def test_each_rule_names_its_row_column_and_reason_and_nothing_is_written(
    rect: Rect, households: dict[str, Household], cells: dict[str, str], column: str, reason: str
) -> None:
    changes = ChangeLog.objects.count()
    outcome = import_rows("problems", [HEADER, row("P1"), row("P2", **cells)])
    assert not outcome.ok
    assert (3, column) in error_cells(outcome), messages(outcome)
    assert reason in messages(outcome)
    assert all(e.row == 3 for e in outcome.errors), messages(outcome)
    assert Problem.objects.count() == 0
    assert ChangeLog.objects.count() == changes


def test_every_error_of_the_file_is_reported_not_just_the_first(rect: Rect) -> None:
    outcome = import_rows(
        "problems",
        [
            HEADER,
            row("P1", 检视渠道="微信"),
            row("P2", 区划代码="610727100299"),
            row("P1"),
            opened("P3", 完成日期="2019-11-01", 销号日期="2019-11-02"),
            row("P4", 整改措施="", 整改时限=""),
        ],
    )
    assert error_cells(outcome) == {
        (2, "检视渠道"),
        (3, "区划代码"),
        (4, "问题编号"),
        (5, "完成日期"),
        (5, "销号日期"),
        (6, "整改措施"),
        (6, "整改时限"),
    }
    assert "与第2行重复" in messages(outcome)
    assert Problem.objects.count() == 0


def test_an_opened_problem_may_have_no_measures_deadline_or_responsible_cadres(rect: Rect) -> None:
    outcome = import_rows("problems", [HEADER, opened("P1", 责任领导干部编号="", 责任人干部编号="")])
    assert outcome.ok, messages(outcome)


# -- scope ------------------------------------------------------------------------------------
def test_a_town_official_files_only_in_the_town_and_changes_only_its_problems(rect: Rect) -> None:
    assert import_rows("problems", [HEADER, row("PB", 区划代码=B1)]).ok
    outcome = import_rows(
        "problems",
        [HEADER, row("P1", 区划代码=B1), row("P2", 区划代码=COUNTY), row("PB", 区划代码=A1), row("P3")],
        scope=TOWN_A_SCOPE,
    )
    assert error_cells(outcome) == {(2, "区划代码"), (3, "区划代码"), (4, "问题编号")}
    assert "该问题编号已被您管辖范围以外的问题使用" in messages(outcome)
    assert Problem.objects.get(code="PB").area_code == B1
    assert import_rows("problems", [HEADER, row("P3")], scope=TOWN_A_SCOPE).ok


# -- updates and the workflow history ---------------------------------------------------------
def test_status_changes_on_update_are_recorded_as_workflow_steps(rect: Rect) -> None:
    assert import_rows("problems", [HEADER, row("P1"), closed("P2"), done("P3"), opened("P4")]).ok
    today = dt.date.today()
    outcome = import_rows(
        "problems",
        [HEADER, closed("P1"), row("P2"), row("P3"), done("P4")],
    )
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (0, 4, 0)
    note = LEDGER_NOTE
    assert events("P1")[2:] == [
        (ProblemAction.RECTIFY, S.IN_PROGRESS, S.RECTIFIED, D(2019, 11, 20), note),
        (ProblemAction.CLOSE, S.RECTIFIED, S.CLOSED, D(2019, 11, 25), note),
    ]
    assert events("P2")[4:] == [(ProblemAction.REOPEN, S.CLOSED, S.IN_PROGRESS, today, note)]
    assert events("P3")[3:] == [(ProblemAction.REJECT, S.RECTIFIED, S.IN_PROGRESS, today, note)]
    # Started by the import: before the completion it reports, never after.
    assert events("P4")[1:] == [
        (ProblemAction.START, S.OPEN, S.IN_PROGRESS, D(2019, 11, 20), note),
        (ProblemAction.RECTIFY, S.IN_PROGRESS, S.RECTIFIED, D(2019, 11, 20), note),
    ]
    p2 = Problem.objects.get(code="P2")
    assert (p2.status, p2.completed_date, p2.closed_date, p2.version) == (S.IN_PROGRESS, None, None, 2)
    assert Problem.objects.get(code="P3").completed_date is None


def test_an_update_that_keeps_the_status_records_no_step_and_empty_cells_keep_what_is_stored(
    rect: Rect,
) -> None:
    assert import_rows("problems", [HEADER, row("P1")]).ok
    text = "危房改造补助仍未到户"
    outcome = import_rows("problems", [HEADER, row("P1", 问题描述=text, 整改措施="")])
    assert not outcome.ok  # 整改中 still needs its measures in the row
    outcome = import_rows("problems", [HEADER, row("P1", 问题描述=text, 责任人干部编号="")])
    assert outcome.ok
    problem = Problem.objects.get(code="P1")
    assert (problem.description, problem.responsible_person.code) == ("危房改造补助仍未到户", "G3")
    assert len(events("P1")) == 2
    change = ChangeLog.objects.filter(object_type="rectification.problem", action="update").get()
    assert change.changed_fields() == [("问题描述", "危房改造补助未及时到户", "危房改造补助仍未到户")]


def test_status_steps_forward_one_state_at_a_time_and_back_in_one() -> None:
    assert [a for a, _, _ in status_steps(S.OPEN, S.CLOSED)] == ["start", "rectify", "close"]
    assert status_steps(S.CLOSED, S.OPEN) == [(ProblemAction.REOPEN, S.CLOSED, S.OPEN)]
    assert status_steps(S.IN_PROGRESS, S.IN_PROGRESS) == []


# -- round trip and order ---------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_reimport_changes_nothing(
    rect: Rect, households: dict[str, Household], suffix: str
) -> None:
    rows = [
        HEADER,
        opened("P0", 户编号="H1", 问题描述="多行\n描述"),
        row("P1"),
        done("P2", 区划代码=TOWN_A),
        closed("P3", 区划代码=COUNTY, 问题类别="新类别"),
    ]
    assert import_rows("problems", rows).ok
    # A problem filed on the platform exports and imports back too.
    rect.file("饮水管道冬季易冻裂", category="饮水安全", area=rect.county.village_b1)
    changes, steps = ChangeLog.objects.count(), ProblemEvent.objects.count()
    exporter = ledger_export_xlsx if suffix == "xlsx" else ledger_export_csv
    data = exporter(LEDGERS["problems"], EVERYTHING)
    outcome = import_file("problems", data, f"problems.{suffix}")
    assert outcome.ok, messages(outcome)
    assert not outcome.warnings
    assert totals(outcome) == (0, 0, 5)
    assert (ChangeLog.objects.count(), ProblemEvent.objects.count()) == (changes, steps)


def test_export_keeps_to_the_users_area_and_holds_ledger_cells(rect: Rect) -> None:
    assert import_rows("problems", [HEADER, closed("P1"), row("P2", 区划代码=B1)]).ok
    exported = sheet_rows(ledger_export_xlsx(LEDGERS["problems"], TOWN_A_SCOPE))
    assert exported[0] == HEADER
    assert [[c if c is not None else "" for c in r] for r in exported[1:]] == [closed("P1")]


def test_template_and_dependency_order(db: None) -> None:
    template = ledger_template(LEDGERS["problems"])
    assert sheet_rows(template)[0] == HEADER
    order = dependency_order(["problems", "pairings", "households", "cadres", "units", "areas"])
    assert order[-1] == "problems"
    assert order.index("pairings") < order.index("problems")


def test_import_dir_resolves_cadres_of_the_same_run(rect: Rect, tmp_path: Path) -> None:
    write_csv(
        tmp_path / "cadres.csv",
        [CADRES_HEADER, ["G50", "新干部", make_id(50), "", "U2", "", "帮扶干部"]],
    )
    write_csv(tmp_path / "problems.csv", [HEADER, row("P1", 责任人干部编号="G50")])
    out, err, error = run_command("import-dir", str(tmp_path))
    assert error is None, err
    assert Problem.objects.get(code="P1").responsible_person.code == "G50"
    assert out.index("干部") < out.index("问题台账")
