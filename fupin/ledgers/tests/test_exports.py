"""Templates and exports: the template's header and drop-downs, and exports that re-import unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin.conftest import make_id
from fupin.core.models import ChangeLog
from fupin.ledgers.base import Report, RowErrors
from fupin.ledgers.exports import ledger_template
from fupin.ledgers.registry import LEDGERS, ledger_named
from fupin.ledgers.tests.helpers import (
    AREAS_HEADER,
    CADRES_HEADER,
    UNITS_HEADER,
    import_file,
    messages,
    run_command,
    sheet_rows,
    totals,
    write_csv,
    write_xlsx,
)
from fupin.people.models import Cadre

HEADERS = {"areas": AREAS_HEADER, "units": UNITS_HEADER, "cadres": CADRES_HEADER}


def _validations(data: bytes) -> dict[str, str]:
    """Cell range of each list validation of the first sheet → its formula."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"}


@pytest.mark.parametrize("ledger", ["areas", "units", "cadres"])
def test_template_header_is_exactly_the_chinese_column_names(ledger: str) -> None:
    data = ledger_template(ledger_named(ledger))
    rows = sheet_rows(data)
    assert rows[0] == HEADERS[ledger]
    assert all(value is None for row in rows[1:] for value in row)  # no data on the first sheet


@pytest.mark.parametrize("ledger", ["areas", "units", "cadres"])
def test_template_has_an_example_sheet(ledger: str) -> None:
    definition = ledger_named(ledger)
    data = ledger_template(definition)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[1] == "示例"
    rows = sheet_rows(data, "示例")
    assert rows[0] == HEADERS[ledger]
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert {k: v for k, v in example.items() if v} == {k: v for k, v in definition.example.items() if v}


def test_template_drop_downs_for_choice_columns() -> None:
    areas = _validations(ledger_template(ledger_named("areas")))
    assert areas == {"C2:C10000": '"县,乡镇,村"', "E2:E10000": '"是,否"'}
    units = _validations(ledger_template(ledger_named("units")))
    assert units == {"C2:C10000": '"党政机关,行业部门,事业单位,国有企业,民营企业,社会组织,其他"'}


def test_template_keeps_id_numbers_and_codes_as_text() -> None:
    sheet = load_workbook(io.BytesIO(ledger_template(ledger_named("cadres")))).worksheets[0]
    assert sheet["C2"].number_format == "@"  # 身份证号
    assert sheet["A2"].number_format == "@"  # 干部编号


def test_template_command_writes_the_workbook(tmp_path: Path) -> None:
    out = tmp_path / "areas-template.xlsx"
    stdout, _, error = run_command("ledger", "template", "areas", str(out))
    assert error is None and str(out) in stdout
    assert sheet_rows(out)[0] == AREAS_HEADER


# -- round trip -------------------------------------------------------------------------------
ROUND_TRIP = {
    "areas": [
        AREAS_HEADER,
        ["610727102000", "白水江镇", "乡镇", "610727000000", "否", "110", "30"],
        ["610727102200", "黄坪村", "村", "610727102000", "是", "106.250001", "33.45"],
        ["610727102201", "白雀寺村", "村", "610727102000", "否", "-0.5", "0"],
    ],
    "units": [
        UNITS_HEADER,
        ["U20", "县水利局", "行业部门", "", "610727000000"],
        ["U21", "白水江水利站", "事业单位", "U20", "610727102000"],
        ["U22", "水利站分站", "其他", "U21", ""],
    ],
    "cadres": [
        CADRES_HEADER,
        ["N1", "王五", make_id(40), "13800004000", "U20", "局长", "部门主要负责人、帮扶干部"],
        ["N2", "赵六", make_id(41), "0916-3212345", "U21", "", "驻村工作队员;帮扶干部"],
        ["N3", "孙七", make_id(42), "", "U22", "", "村干部"],
    ],
}


def _import_all(tmp_path: Path) -> None:
    for ledger, rows in ROUND_TRIP.items():
        path = write_xlsx(tmp_path / f"{ledger}.xlsx", rows) if ledger == "units" else None
        path = path or write_csv(tmp_path / f"{ledger}.csv", rows, "gb18030")
        _, err, error = run_command("import", ledger, str(path))
        assert error is None, err


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_reimport_changes_nothing(cadres: dict[str, Cadre], tmp_path: Path, suffix: str) -> None:
    _import_all(tmp_path)
    changes = ChangeLog.objects.count()
    for ledger in ("areas", "units", "cadres"):
        out = tmp_path / f"export-{ledger}{suffix}"
        _, _, error = run_command("ledger", "export", ledger, str(out))
        assert error is None
        outcome = import_file(ledger, out.read_bytes(), out.name)
        assert outcome.ok, messages(outcome)
        assert not outcome.warnings
        created, updated, unchanged = totals(outcome)
        assert (created, updated) == (0, 0), ledger
        assert unchanged > 0
    assert ChangeLog.objects.count() == changes


def test_export_contains_every_record_in_ledger_form(cadres: dict[str, Cadre], tmp_path: Path) -> None:
    _import_all(tmp_path)
    out = tmp_path / "cadres.csv"
    run_command("ledger", "export", "cadres", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == CADRES_HEADER
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"G1", "G2", "G3", "G9", "N1", "N2", "N3"}
    assert by_code["N1"] == [
        "N1",
        "王五",
        make_id(40),
        "13800004000",
        "U20",
        "局长",
        "部门主要负责人、帮扶干部",
    ]
    assert by_code["N2"][6] == "驻村工作队员、帮扶干部"


def test_export_writes_coordinates_as_plain_decimals(cadres: dict[str, Cadre], tmp_path: Path) -> None:
    _import_all(tmp_path)
    out = tmp_path / "areas.xlsx"
    run_command("ledger", "export", "areas", str(out))
    rows = {row[0]: row for row in sheet_rows(out)[1:]}
    assert rows["610727102000"][5:] == ["110", "30"]
    assert rows["610727102200"][5:] == ["106.250001", "33.45"]
    assert rows["610727102201"][5:] == ["-0.5", "0"]
    assert rows["610727102201"][4] == "否"
    assert rows["610727000000"][3:5] == [None, None]  # a county has no parent and no 贫困村 flag


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_every_template_example_row_is_valid_cell_by_cell(name: str) -> None:
    """The example a county office copies must itself pass every cell rule (a wrong check digit in
    an example ID number once slipped through)."""
    ledger = LEDGERS[name]
    report = Report(ledger=ledger.title)
    header = list(ledger.example)
    positions = ledger.map_header(header, report)
    rows = ledger.parse_rows([(2, list(ledger.example.values()))], positions, RowErrors(ledger, report))
    assert not report.errors, [str(e) for e in report.errors]
    assert {c.key for c in ledger.columns if c.required} <= {
        k for k, v in rows[0].values.items() if v is not None
    }
