"""The checkins ledger (ledgers.md, checkins 驻村打卡): every rule it adds to the engine's reading
rules, each rejected with its row, column and reason in Chinese and nothing written; the verdict
written for every row; the importing user's area; updates; the export that imports back unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.fieldwork.models import CheckIn, CheckInKind, CheckInSource
from fupin.fieldwork.tests.conftest import H1_POINT, TOWN_A, VILLAGE_A1, VILLAGE_A2, Field, north_of
from fupin.ledgers.definitions.fieldwork import CheckInsLedger
from fupin.ledgers.exports import ledger_export_csv, ledger_export_xlsx, ledger_template
from fupin.ledgers.registry import LEDGERS, dependency_order
from fupin.ledgers.services import ImportOutcome, ledger_import_files
from fupin.ledgers.tests.helpers import (
    context,
    csv_bytes,
    import_file,
    import_rows,
    messages,
    sheet_rows,
    totals,
)
from fupin.people.scope import scope_for

HEADER = [
    "记录编号",
    "干部编号",
    "日期",
    "时间",
    "类型",
    "区划代码",
    "户编号",
    "经度",
    "纬度",
    "定位精度",
    "工作内容",
]
A1, A2, B1, TOWN_A_CODE = "610727100200", "610727100201", "610727101200", "610727100000"
DAY = "2019-11-05"
CHECKIN_TYPE = "fieldwork.checkin"
# Phones and apps send check-ins of the last days only; ledgers back-fill any day.
RECENT = timezone.localdate() - dt.timedelta(days=1)


def row(code: str, cadre: str, kind: str, area: str, household: str = "", **cells: Any) -> list[Any]:
    point = cells.get("at")
    return [
        code,
        cadre,
        cells.get("date", DAY),
        cells.get("time", "09:30"),
        kind,
        area,
        household,
        str(point[0]) if point else "",
        str(point[1]) if point else "",
        cells.get("accuracy", "15"),
        cells.get("notes", ""),
    ]


def by_cell(outcome: ImportOutcome) -> dict[tuple[int, str], str]:
    return {(e.row, e.column): e.message for e in outcome.errors}


def nothing_written() -> bool:
    return not CheckIn.objects.exists() and not ChangeLog.objects.filter(object_type=CHECKIN_TYPE).exists()


# -- the verdict ----------------------------------------------------------------------------------
def test_every_row_is_judged_and_its_verdict_stored(field: Field) -> None:
    rows = [
        HEADER,
        row("K1", "G3", "入户", A1, "H1", at=H1_POINT, notes="了解收入"),
        row("K2", "G3", "入户", A1, "H2", at=north_of(VILLAGE_A1, 500)),
        row("K3", "G3", "入户", A2, "H3", at=VILLAGE_A2),
        row("K4", "G1", "驻镇", TOWN_A_CODE, at=TOWN_A, accuracy="0"),
        row("K5", "G7", "驻村", A1, at=north_of(VILLAGE_A1, 5000), time=""),
        row("K6", "G7", "入户", A1, "H2", at=VILLAGE_A1, accuracy="350"),
        row("K7", "G2", "驻村", B1, accuracy=""),
    ]
    outcome = import_rows("checkins", rows)
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (7, 0, 0)
    stored = {c.code: (c.valid, c.invalid_reason) for c in CheckIn.objects.all()}
    assert stored == {
        "K1": (True, ""),
        "K2": (True, ""),
        "K3": (False, "当日未与该户结对，也不在该村驻村工作队"),
        "K4": (False, "定位精度为0，疑似虚拟定位"),
        "K5": (False, "距离村5公里，超出2公里范围"),
        "K6": (False, "定位精度350米，超过200米上限"),
        "K7": (False, "未获取到定位坐标；缺少定位精度"),
    }
    k1 = CheckIn.objects.select_related("household", "area").get(code="K1")
    assert (k1.distance_m, k1.area_code, k1.household.code, k1.source) == (0, A1, "H1", CheckInSource.LEDGER)
    assert (k1.date, k1.time, k1.notes, k1.accuracy_m) == (
        dt.date(2019, 11, 5),
        dt.time(9, 30),
        "了解收入",
        Decimal("15.0"),
    )
    assert CheckIn.objects.get(code="K5").time is None
    entries = ChangeLog.objects.filter(object_type=CHECKIN_TYPE, action="create")
    assert entries.count() == 7
    assert entries.get(object_repr__contains="驻镇").after["无效原因"] == "定位精度为0，疑似虚拟定位"


def test_a_pairing_imported_in_the_same_run_makes_the_visit_valid(field: Field) -> None:
    files = [
        ("checkins", csv_bytes([HEADER, row("K1", "G4", "入户", A2, "H3", at=VILLAGE_A2)]), "checkins.csv"),
        ("pairings", csv_bytes([["干部编号", "户编号", "开始日期"], ["G4", "H3", "2019-11-01"]]), "p.csv"),
    ]
    outcome = ledger_import_files(files=files, context=context())
    assert outcome.ok, messages(outcome)
    assert [r.ledger for r in outcome.reports] == ["结对帮扶", "驻村打卡"]
    assert CheckIn.objects.get().valid


def test_checkins_come_after_pairings_and_work_teams(db: None) -> None:
    order = dependency_order(["checkins", "work-teams", "pairings", "households", "cadres", "areas"])
    assert order[-1] == "checkins"
    assert {"pairings", "work-teams", "households", "cadres", "areas"} <= set(LEDGERS["checkins"].depends_on)


def test_import_costs_a_few_queries_per_chunk_not_per_row(
    field: Field, django_assert_max_num_queries: Any
) -> None:
    rows = [HEADER] + [
        row(f"K{n}", "G3", "入户", A1, "H1" if n % 2 else "H2", at=H1_POINT, date=f"2019-11-{n % 28 + 1:02d}")
        for n in range(120)
    ]
    with django_assert_max_num_queries(30):
        outcome = import_rows("checkins", rows)
    assert outcome.ok, messages(outcome)
    assert CheckIn.objects.filter(valid=True).count() == 120


# -- rules, each with its row, column and reason -----------------------------------------------------
def test_each_bad_cell_is_reported_with_row_column_and_reason_and_nothing_is_written(field: Field) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    rows = [
        HEADER,
        row("K1", "G3", "入户", A1, "H1", at=H1_POINT),  # fine
        row("", "G3", "入户", A1, "H1"),
        row("K3", "", "驻村", A1),
        row("K4", "G3", "驻村", A1, date=""),
        row("K5", "G3", "打卡", A1),
        row("K6", "G3", "驻村", A1, date="2019-02-30"),
        row("K7", "G3", "驻村", A1, time="25:10"),
        row("K8", "G3", "驻村", "61072710020"),
        row("K9", "G3", "驻镇", A1),
        row("K10", "G3", "驻村", TOWN_A_CODE),
        row("K11", "G3", "入户", A1),
        row("K12", "G3", "入户", A1, "H4"),
        row("K13", "G3", "驻村", A1, "H1"),
        row("K14", "G404", "驻村", A1),
        row("K15", "G3", "驻村", "610727100299"),
        row("K16", "G3", "入户", A1, "H404"),
        row("K17", "G3", "驻村", A1, date=tomorrow),
        ["K18", "G3", DAY, "", "驻村", A1, "", "106.17", "", "15", ""],
        row("K19", "G3", "驻村", A1, at=(Decimal("186.1"), Decimal("33.3"))),
        row("K20", "G3", "驻村", A1, accuracy="-3"),
        row("K21", "G3", "驻村", A1, accuracy="很准"),
        row("K1", "G3", "驻村", A1),
        row("K" * 65, "G3", "驻村", A1),
        row("K24", "G3", "", A1),
        row("K25", "G3", "驻村", ""),
    ]
    outcome = import_rows("checkins", rows)
    assert by_cell(outcome) == {
        (3, "记录编号"): "必填项为空",
        (4, "干部编号"): "必填项为空",
        (5, "日期"): "必填项为空",
        (6, "类型"): "应为以下之一：驻镇、驻村、入户",
        (7, "日期"): "日期不存在",
        (8, "时间"): "时间格式应为 HH:MM",
        (9, "区划代码"): "应为12位数字",
        (10, "区划代码"): "驻镇打卡应选择乡镇",
        (11, "区划代码"): "驻村、入户打卡应选择村",
        (12, "户编号"): "入户打卡须填写户编号",
        (13, "户编号"): "户H4不在黄家坝村",
        (14, "户编号"): "只有入户打卡才选择农户",
        (15, "干部编号"): "干部编号不存在",
        (16, "区划代码"): "区划代码不存在",
        (17, "户编号"): "户编号不存在",
        (18, "日期"): "打卡日期不能晚于今天",
        (19, "经度"): "经度和纬度应同时填写",
        (20, "经度"): "不能大于180",
        (21, "定位精度"): "不能小于0",
        (22, "定位精度"): "应为数字",
        (23, "记录编号"): "与第2行重复（同一文件中键值不能重复）",
        (24, "记录编号"): "记录编号不能超过64个字符",
        (25, "类型"): "必填项为空",
        (26, "区划代码"): "必填项为空",
    }
    assert all(error.ledger == "驻村打卡" for error in outcome.errors)
    assert nothing_written()


def test_a_missing_required_column_rejects_the_file(field: Field) -> None:
    header = [name for name in HEADER if name != "类型"]
    outcome = import_rows("checkins", [header, ["K1", "G3", DAY, "", A1, "", "", "", "", ""]])
    assert by_cell(outcome) == {(1, "类型"): "缺少必填列“类型”（kind）"}
    assert nothing_written()


def test_english_headers_in_any_order_and_unknown_columns_warn(field: Field) -> None:
    header = ["kind", "area_code", "household_code", "cadre_code", "date", "code", "备注"]
    outcome = import_rows("checkins", [header, ["入户", A1, "H1", "G3", "2019/11/5", "K1", "x"]])
    assert outcome.ok, messages(outcome)
    assert [(w.column, w.message) for w in outcome.warnings] == [("备注", "未知的列，已忽略")]
    checkin = CheckIn.objects.get()
    assert (checkin.kind, checkin.date, checkin.invalid_reason) == (
        CheckInKind.HOUSEHOLD,
        dt.date(2019, 11, 5),
        "未获取到定位坐标；缺少定位精度",
    )


def test_a_key_repeated_in_a_later_chunk_rejects_the_whole_file(
    field: Field, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CheckInsLedger, "chunk_size", 2)
    rows = [HEADER] + [row(f"K{n}", "G3", "入户", A1, "H1", at=H1_POINT) for n in range(5)]
    rows.append(row("K0", "G3", "驻村", A1))
    outcome = import_rows("checkins", rows)
    assert by_cell(outcome) == {(7, "记录编号"): "与第2行重复（同一文件中键值不能重复）"}
    assert nothing_written()


def test_dry_run_writes_nothing(field: Field) -> None:
    outcome = import_rows("checkins", [HEADER, row("K1", "G3", "入户", A1, "H1", at=H1_POINT)], dry_run=True)
    assert outcome.ok and not outcome.written
    assert nothing_written()


# -- the importing user's area --------------------------------------------------------------------------
def test_managers_import_for_their_area_only(field: Field) -> None:
    rows = [HEADER, row("K1", "G3", "入户", A1, "H1", at=H1_POINT), row("K2", "G6", "驻村", B1)]
    outsider = scope_for(field.personas.users["outsider"])
    outcome = import_rows("checkins", rows, scope=outsider)
    assert by_cell(outcome) == {(2, "区划代码"): "不在您的管辖范围内", (3, "区划代码"): "不在您的管辖范围内"}
    town_a_manager = Scope(role="office_staff", area_prefixes=("610727100",), root_area_code=TOWN_A_CODE)
    outcome = import_rows("checkins", rows, scope=town_a_manager)
    assert by_cell(outcome) == {(3, "区划代码"): "不在您的管辖范围内"}
    assert nothing_written()
    county_admin = scope_for(field.personas.users["county_admin"])
    assert import_rows("checkins", rows, scope=county_admin).ok
    assert CheckIn.objects.count() == 2


def test_a_town_official_may_not_record_for_others(field: Field) -> None:
    """Town officials review their town but do not maintain ledgers: only their own check-ins pass."""
    scope = scope_for(field.personas.users["town_official"])
    rows = [HEADER, row("K1", "G5", "驻镇", TOWN_A_CODE, at=TOWN_A), row("K2", "G3", "入户", A1, "H1")]
    outcome = import_rows("checkins", rows, scope=scope)
    assert by_cell(outcome) == {(3, "区划代码"): "不在您的管辖范围内"}


# -- updates -----------------------------------------------------------------------------------------
def test_a_changed_ledger_row_updates_the_checkin_and_judges_it_again(field: Field) -> None:
    assert import_rows("checkins", [HEADER, row("K1", "G3", "入户", A1, "H1", at=H1_POINT)]).ok
    outcome = import_rows("checkins", [HEADER, row("K1", "G3", "入户", A1, "H1", at=H1_POINT, accuracy="0")])
    assert outcome.ok and totals(outcome) == (0, 1, 0)
    checkin = CheckIn.objects.get()
    assert (checkin.valid, checkin.invalid_reason, checkin.version) == (False, "定位精度为0，疑似虚拟定位", 2)
    entry = ChangeLog.objects.get(object_type=CHECKIN_TYPE, action="update")
    assert (entry.before["定位精度"], entry.after["定位精度"]) == ("15.0", "0.0")
    assert (entry.before["有效"], entry.after["有效"]) == (True, False)


def test_an_empty_cell_keeps_what_the_checkin_says(field: Field) -> None:
    full = row("K1", "G3", "入户", A1, "H1", at=H1_POINT, notes="宣讲政策")
    assert import_rows("checkins", [HEADER, full]).ok
    blank = ["K1", "G3", DAY, "", "入户", A1, "H1", "", "", "", ""]
    outcome = import_rows("checkins", [HEADER, blank])
    assert outcome.ok and totals(outcome) == (0, 0, 1)
    mocked = ["K1", "G3", DAY, "", "入户", A1, "H1", "", "", "0", ""]
    outcome = import_rows("checkins", [HEADER, mocked])
    assert outcome.ok and totals(outcome) == (0, 1, 0)
    checkin = CheckIn.objects.get()
    assert (checkin.latitude, checkin.time, checkin.notes) == (H1_POINT[1], dt.time(9, 30), "宣讲政策")
    assert (checkin.valid, checkin.invalid_reason, checkin.distance_m) == (
        False,
        "定位精度为0，疑似虚拟定位",
        0,
    )


def test_a_phone_checkin_may_be_repeated_but_not_altered_by_a_ledger(field: Field) -> None:
    field.checkin(
        "G3",
        CheckInKind.HOUSEHOLD,
        field.county.village_a1,
        RECENT,
        household="H1",
        at=H1_POINT,
        time=dt.time(9, 30, 41),
        code="P1",
        source=CheckInSource.PHONE,
        idempotency_key="phone-key-0001",
    )
    same = import_rows(
        "checkins", [HEADER, row("P1", "G3", "入户", A1, "H1", at=H1_POINT, date=RECENT.isoformat())]
    )
    assert same.ok and totals(same) == (0, 0, 1)
    moved = import_rows(
        "checkins",
        [HEADER, row("P1", "G3", "入户", A1, "H1", at=north_of(H1_POINT, 100), date=RECENT.isoformat())],
    )
    assert by_cell(moved) == {(2, "记录编号"): "该记录来自手机页面，是现场定位的凭据，不能通过台账修改"}
    assert CheckIn.objects.get().latitude == H1_POINT[1]


def test_a_code_taken_outside_the_area_is_not_overwritten(field: Field) -> None:
    assert import_rows("checkins", [HEADER, row("K1", "G6", "驻村", B1)]).ok
    town_a_manager = Scope(role="office_staff", area_prefixes=("610727100",), root_area_code=TOWN_A_CODE)
    outcome = import_rows("checkins", [HEADER, row("K1", "G3", "驻村", A1)], scope=town_a_manager)
    assert by_cell(outcome) == {(2, "记录编号"): "该记录编号已被您管辖范围以外的打卡记录使用"}
    assert CheckIn.objects.get().area_code == B1


# -- export and template --------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_reimport_changes_nothing(field: Field, suffix: str) -> None:
    rows = [
        HEADER,
        row("K1", "G3", "入户", A1, "H1", at=H1_POINT, notes="宣讲政策，核对收入"),
        row("K2", "G1", "驻镇", TOWN_A_CODE, at=TOWN_A, accuracy="0", time=""),
        row("K3", "G2", "驻村", B1, accuracy=""),
    ]
    assert import_rows("checkins", rows).ok
    field.checkin(
        "G7",
        CheckInKind.HOUSEHOLD,
        field.county.village_a1,
        RECENT,
        household="H2",
        at=(Decimal("106.1712345"), Decimal("33.3401234")),
        accuracy="12.3",
        time=dt.time(16, 5, 59),
        notes="  入户走访  ",
        source=CheckInSource.API,
        idempotency_key="app-0001",
    )
    changes = ChangeLog.objects.count()
    exporter = ledger_export_xlsx if suffix == "xlsx" else ledger_export_csv
    data = exporter(LEDGERS["checkins"], scope_for(field.personas.users["county_admin"]))
    exported = sheet_rows(data) if suffix == "xlsx" else None
    if exported is not None:
        assert exported[0] == HEADER
        assert ["K2", "G1", DAY, None, "驻镇", TOWN_A_CODE, None, "106.156000", "33.327000", "0.0", None] in [
            list(r) for r in exported
        ]
    outcome = import_file("checkins", data, f"checkins.{suffix}")
    assert outcome.ok, messages(outcome)
    assert not outcome.warnings
    assert totals(outcome) == (0, 0, 4)
    assert ChangeLog.objects.count() == changes


def test_export_keeps_to_the_users_area(field: Field) -> None:
    rows = [HEADER, row("K1", "G3", "入户", A1, "H1", at=H1_POINT), row("K2", "G6", "驻村", B1)]
    assert import_rows("checkins", rows).ok
    town_a = scope_for(field.personas.users["town_official"])
    assert [r[0] for r in sheet_rows(ledger_export_xlsx(LEDGERS["checkins"], town_a))[1:]] == ["K1"]
    outsider = scope_for(field.personas.users["outsider"])
    assert sheet_rows(ledger_export_xlsx(LEDGERS["checkins"], outsider)) == [HEADER]


def test_template_offers_the_columns_and_the_kinds(db: None) -> None:
    template = ledger_template(LEDGERS["checkins"])
    assert sheet_rows(template)[0] == HEADER
    assert sheet_rows(template, "示例")[1][4] == "入户"
    sheet = load_workbook(BytesIO(template)).worksheets[0]
    assert [dv.formula1 for dv in sheet.data_validations.dataValidation] == ['"驻镇,驻村,入户"']


def test_the_command_line_export_holds_every_checkin(field: Field) -> None:
    assert import_rows("checkins", [HEADER, row("K1", "G3", "入户", A1, "H1", at=H1_POINT)]).ok
    assert len(sheet_rows(ledger_export_xlsx(LEDGERS["checkins"], context().scope))) == 2
