"""Keys and updates, all-or-nothing, the error report, the commands' options, references, import-dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin.areas.models import Area
from fupin.conftest import County, make_id
from fupin.core import idnumber
from fupin.core.models import ChangeLog
from fupin.ledgers.services import ledger_files_in, ledger_import_files
from fupin.ledgers.tests.helpers import (
    AREAS_HEADER,
    CADRES_HEADER,
    UNITS_HEADER,
    context,
    counts,
    csv_bytes,
    import_file,
    messages,
    run_command,
    sheet_rows,
    totals,
    write_csv,
    write_xlsx,
    xlsx_bytes,
)
from fupin.people.models import Cadre, Unit

AREAS = [
    AREAS_HEADER,
    ["610727102000", "白水江镇", "乡镇", "610727000000", "否", "106.2", "33.4"],
    ["610727102200", "黄坪村", "村", "610727102000", "是", "106.25", "33.45"],
    ["610727100201", "石门沟新村", "村", "610727100000", "否", "", ""],  # exists: renamed
]
UNITS = [
    UNITS_HEADER,
    ["U20", "县水利局", "行业部门", "", "610727000000"],
    ["U21", "白水江水利站", "事业单位", "U20", "610727102000"],
    ["U1", "县乡村振兴局", "行业部门", "", "610727000000"],  # exists: renamed
]
CADRES = [
    CADRES_HEADER,
    ["N1", "王五", make_id(30), "13800003000", "U20", "局长", "部门主要负责人、帮扶干部"],
    ["N2", "赵六", make_id(31), "", "U21", "", "帮扶干部;驻村工作队员"],
]
FILES = {"areas": AREAS, "units": UNITS, "cadres": CADRES}


def _write(path: Path, rows: list[list[str]]) -> Path:
    return write_xlsx(path, rows) if path.suffix == ".xlsx" else write_csv(path, rows, "gb18030")


# -- keys -------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_existing_keys_are_updated_and_a_second_import_changes_nothing(
    county: County, tmp_path: Path, suffix: str
) -> None:
    for ledger in ("areas", "units", "cadres"):
        path = _write(tmp_path / f"{ledger}{suffix}", FILES[ledger])
        out, _, error = run_command("import", ledger, str(path))
        assert error is None, out
        assert "导入完成" in out

        changes = ChangeLog.objects.count()
        outcome = import_file(ledger, path.read_bytes(), path.name)
        assert outcome.ok, messages(outcome)
        assert totals(outcome) == (0, 0, len(FILES[ledger]) - 1)
        assert ChangeLog.objects.count() == changes  # nothing changed, nothing logged

    assert Area.objects.get(code="610727100201").name == "石门沟新村"
    assert Unit.objects.get(code="U1").name == "县乡村振兴局"
    assert Cadre.objects.get(code="N2").category_list == ["team_member", "paired_cadre"]


def test_first_import_counts_created_and_updated_and_logs_each_change(county: County) -> None:
    changes = ChangeLog.objects.count()
    outcome = import_file("areas", csv_bytes(AREAS), "areas.csv")
    assert totals(outcome) == (2, 1, 0)
    logged = ChangeLog.objects.order_by("id")[changes:]
    assert sorted((c.action, c.after["区划代码"], c.source) for c in logged) == [
        ("create", "610727102000", "test"),
        ("create", "610727102200", "test"),
        ("update", "610727100201", "test"),
    ]
    renamed = next(c for c in logged if c.action == "update")
    assert (renamed.before["名称"], renamed.after["名称"]) == ("石门沟村", "石门沟新村")


def test_changing_one_field_updates_only_that_record(county: County) -> None:
    assert import_file("areas", csv_bytes(AREAS), "areas.csv").ok
    assert import_file("units", csv_bytes(UNITS), "units.csv").ok
    changes = ChangeLog.objects.count()
    edited = [row[:] for row in UNITS]
    edited[2][1] = "白水江镇水利站"
    outcome = import_file("units", csv_bytes(edited), "units.csv")
    assert totals(outcome) == (0, 1, 2)
    assert ChangeLog.objects.count() == changes + 1
    assert Unit.objects.get(code="U21").name == "白水江镇水利站"


# -- all or nothing and the error report -------------------------------------------------------
def _wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] == "0" else "0")


BAD_CADRES = [
    CADRES_HEADER,
    ["N1", "王五", make_id(30), "13800003000", "U1", "", "帮扶干部"],
    ["N2", "赵六", _wrong_check_digit(make_id(31)), "12345", "U1", "", "帮扶干部"],
    ["N3", "孙七", make_id(32), "", "U2", "", "镇干部"],
    ["N4", "", make_id(33), "", "U2", "", "宇航员"],
    ["N5", "周八", make_id(34), "", "U404", "", "村干部"],
    ["N6", "吴九", make_id(35), "", "U4", "", "村干部"],
]


def _expected_bad_cadre_errors() -> list[tuple[int, str, str]]:
    return [
        (3, "身份证号", idnumber.mask(BAD_CADRES[2][2])),
        (3, "手机号码", "12345"),
        (5, "姓名", ""),
        (5, "干部类别", "宇航员"),
        (6, "单位编码", "U404"),
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_bad_row_among_good_ones_writes_nothing_and_every_error_is_listed(
    county: County, fmt: str
) -> None:
    before = counts()
    data = csv_bytes(BAD_CADRES) if fmt == "csv" else xlsx_bytes(BAD_CADRES)
    outcome = import_file("cadres", data, f"cadres.{fmt}")
    assert not outcome.ok and not outcome.written
    assert counts() == before
    assert [(e.row, e.column, e.value) for e in outcome.errors] == _expected_bad_cadre_errors()
    assert all(e.ledger == "干部" for e in outcome.errors)
    reasons = [e.message for e in outcome.errors]
    assert reasons == [
        "身份证号校验位错误",
        "手机号码应为以1开头的11位数字，或带区号的固定电话",
        "必填项为空",
        reasons[3],
        "单位编码不存在",
    ]
    assert reasons[3].startswith("“宇航员”不是有效值")


def test_command_rejection_exits_1_prints_every_error_and_writes_the_error_workbook(
    county: County, tmp_path: Path
) -> None:
    before = counts()
    path = write_csv(tmp_path / "cadres.csv", [[*CADRES_HEADER, "备注"], *[[*r, ""] for r in BAD_CADRES[1:]]])
    report = tmp_path / "out" / "errors.xlsx"
    report.parent.mkdir()
    _out, err, error = run_command("import", "cadres", str(path), "--errors", str(report))
    assert error is not None
    assert error.returncode == 1
    assert "未写入任何数据" in str(error) and "共 5 个错误" in str(error)
    assert counts() == before
    assert "[干部] 第3行“身份证号”列" in err
    assert "[干部] 第6行“单位编码”列（值：U404）：单位编码不存在" in err
    assert err.count("错误 [干部]") == 5
    assert "警告 [干部] 第1行“备注”列：未知的列，已忽略" in err

    rows = sheet_rows(report)
    assert rows[0] == ["台账", "行号", "列", "值", "原因", "级别"]
    listed = [(r[1], r[2], r[3] or "", r[5]) for r in rows[1:]]
    assert listed == [(row, col, value, "错误") for row, col, value in _expected_bad_cadre_errors()] + [
        (1, "备注", "", "警告")
    ]
    assert all(r[0] == "干部" and r[4] for r in rows[1:])


def test_error_workbook_is_not_written_for_a_clean_import(county: County, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "units.csv", UNITS[:2])
    report = tmp_path / "errors.xlsx"
    _, _, error = run_command("import", "units", str(path), "--errors", str(report))
    assert error is None
    assert not report.exists()


def test_dry_run_validates_and_writes_nothing(county: County, tmp_path: Path) -> None:
    before = counts()
    path = write_csv(tmp_path / "areas.csv", AREAS)
    out, _, error = run_command("import", "areas", str(path), "--dry-run")
    assert error is None
    assert "校验通过" in out and "未写入任何数据" in out
    assert counts() == before
    assert Area.objects.get(code="610727100201").name == "石门沟村"

    bad = write_csv(tmp_path / "bad.csv", [AREAS_HEADER, ["610727102000", "白水江镇", "村", "610727000000"]])
    _, err, error = run_command("import", "areas", str(bad), "--dry-run")
    assert error is not None and error.returncode == 1
    assert "“层级”列" in err


def test_dry_run_of_the_service_reports_counts_but_keeps_nothing(county: County) -> None:
    before = counts()
    outcome = ledger_import_files(
        files=[("areas", csv_bytes(AREAS), "areas.csv")], context=context(), dry_run=True
    )
    assert outcome.ok and not outcome.written
    assert counts() == before


def test_missing_file_is_a_command_error(db: None, tmp_path: Path) -> None:
    _, _, error = run_command("import", "areas", str(tmp_path / "nope.csv"))
    assert error is not None and "文件不存在" in str(error)


# -- references -------------------------------------------------------------------------------
def test_references_to_a_ledger_imported_earlier(county: County, tmp_path: Path) -> None:
    units = write_csv(tmp_path / "units.csv", UNITS)
    cadres = write_csv(tmp_path / "cadres.csv", CADRES)
    # Before the areas ledger is imported, 白水江镇 does not exist.
    _, err, error = run_command("import", "units", str(units))
    assert error is not None and "区划代码不存在" in err
    _, err, error = run_command("import", "cadres", str(cadres))
    assert error is not None and "单位编码不存在" in err

    for ledger, path in (
        ("areas", write_csv(tmp_path / "areas.csv", AREAS)),
        ("units", units),
        ("cadres", cadres),
    ):
        _out, err, error = run_command("import", ledger, str(path))
        assert error is None, err
    assert Cadre.objects.get(code="N2").unit.area.code == "610727102000"


@pytest.mark.parametrize("kinds", [("csv", "xlsx", "csv"), ("xlsx", "csv", "xlsx")])
def test_import_dir_imports_in_dependency_order(
    county: County, tmp_path: Path, kinds: tuple[str, ...]
) -> None:
    for ledger, kind in zip(("areas", "units", "cadres"), kinds, strict=True):
        _write(tmp_path / f"{ledger}.{kind}", FILES[ledger])
    (tmp_path / "readme.txt").write_text("not a ledger")
    assert [name for name, _, _ in ledger_files_in(tmp_path)] == ["areas", "units", "cadres"]

    out, err, error = run_command("import-dir", str(tmp_path))
    assert error is None, err
    assert "行政区划：3 行，新增 2，更新 1" in out
    assert "单位：3 行，新增 2，更新 1" in out
    assert "干部：2 行，新增 2" in out
    assert Cadre.objects.get(code="N2").unit.parent.code == "U20"


def test_import_dir_files_are_ordered_by_dependency_not_by_argument_order(county: County) -> None:
    files = [
        ("cadres", csv_bytes(CADRES), "cadres.csv"),
        ("units", csv_bytes(UNITS), "units.csv"),
        ("areas", csv_bytes(AREAS), "areas.csv"),
    ]
    outcome = ledger_import_files(files=files, context=context())
    assert outcome.ok, messages(outcome)
    assert [r.ledger for r in outcome.reports] == ["行政区划", "单位", "干部"]


def test_an_error_in_cadres_rolls_back_areas_and_units(county: County, tmp_path: Path) -> None:
    before = counts()
    write_csv(tmp_path / "areas.csv", AREAS)
    write_xlsx(tmp_path / "units.xlsx", UNITS)
    bad_cadres = [*CADRES, ["N3", "钱七", make_id(36), "", "U21", "", "宇航员"]]
    write_csv(tmp_path / "cadres.csv", bad_cadres, "utf-8-sig")
    report = tmp_path / "errors.xlsx"
    _out, err, error = run_command("import-dir", str(tmp_path), "--errors", str(report))
    assert error is not None and error.returncode == 1
    assert "[干部] 第4行“干部类别”列（值：宇航员）" in err
    assert counts() == before
    assert not Area.objects.filter(code="610727102000").exists()
    assert not Unit.objects.filter(code="U20").exists()
    assert Unit.objects.get(code="U1").name == "县扶贫开发局"
    assert [r[:3] for r in sheet_rows(report)[1:]] == [["干部", 4, "干部类别"]]


def test_import_dir_without_ledger_files_is_an_error(db: None, tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b")
    _, _, error = run_command("import-dir", str(tmp_path))
    assert error is not None and "没有台账文件" in str(error)


def test_import_dir_dry_run_writes_nothing(county: County, tmp_path: Path) -> None:
    before = counts()
    for ledger, rows in FILES.items():
        write_csv(tmp_path / f"{ledger}.csv", rows)
    out, err, error = run_command("import-dir", str(tmp_path), "--dry-run")
    assert error is None, err
    assert "校验通过" in out
    assert counts() == before
