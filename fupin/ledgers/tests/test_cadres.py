"""The cadres ledger (干部): ID numbers, phones, categories, unit references, scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fupin.conftest import County, make_id
from fupin.core import idnumber
from fupin.core.phone import normalize as normalize_phone
from fupin.ledgers.tests.helpers import (
    CADRES_HEADER,
    COUNTY_ONLY,
    counts,
    error_cells,
    import_rows,
    messages,
    run_command,
    write_xlsx,
)
from fupin.people.models import Cadre


def _cadre(code: str, id_number: object, **cells: object) -> list[object]:
    """One row of CADRES_HEADER with sensible defaults."""
    row = {"name": "张三", "phone": "", "unit": "U1", "title": "", "categories": "帮扶干部"} | cells
    return [code, row["name"], id_number, row["phone"], row["unit"], row["title"], row["categories"]]


def _id_ending_in_x() -> str:
    for sequence in range(1000):
        number = idnumber.make("610727", dt.date(1985, 6, 1), sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives a check character X")


def test_a_cadre_with_every_column(county: County) -> None:
    row = _cadre(
        "N1", make_id(20), name="王五", phone="13912345678", unit="U2", title="科长", categories="帮扶干部"
    )
    outcome = import_rows("cadres", [CADRES_HEADER, row])
    assert outcome.ok, messages(outcome)
    cadre = Cadre.objects.get(code="N1")
    assert (cadre.name, cadre.id_number, cadre.phone, cadre.unit, cadre.title) == (
        "王五",
        make_id(20),
        "13912345678",
        county.agriculture,
        "科长",
    )
    assert cadre.category_list == ["paired_cadre"]


@pytest.mark.parametrize("x", ["x", "X"])
def test_check_character_x_in_either_case_is_stored_upper(county: County, x: str) -> None:
    number = _id_ending_in_x()
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", number[:17] + x)])
    assert outcome.ok, messages(outcome)
    assert Cadre.objects.get(code="N1").id_number == number


def test_invalid_id_numbers_are_rejected(county: County) -> None:
    good = make_id(20)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        CADRES_HEADER,
        _cadre("N1", wrong_check),
        _cadre("N2", good[:17]),
        _cadre("N3", good + "1"),
        _cadre("N4", "61072719801301" + "0011"),
    ]
    outcome = import_rows("cadres", rows)
    assert [(e.row, e.column) for e in outcome.errors] == [(r, "身份证号") for r in (2, 3, 4, 5)]
    reasons = [e.message for e in outcome.errors]
    assert reasons[0] == "身份证号校验位错误"
    assert "18位" in reasons[1] and "18位" in reasons[2]
    assert reasons[3] == "身份证号中的出生日期无效"
    assert not Cadre.objects.filter(code__startswith="N").exists()
    shown = [e.value for e in outcome.errors]
    assert shown[0] == idnumber.mask(wrong_check) and wrong_check not in str(outcome.errors[0])
    assert good[:17] not in " ".join(shown)


def test_id_number_stored_by_excel_as_a_number_is_rejected_with_a_clear_message(county: County) -> None:
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", 6.10727198001011e17)], fmt="xlsx")
    assert error_cells(outcome) == {(2, "身份证号")}
    assert "被Excel存成了数字" in outcome.errors[0].message
    assert "文本格式" in outcome.errors[0].message


def test_the_same_id_number_twice_in_a_file_is_rejected_masked(county: County) -> None:
    number = make_id(21)
    rows = [CADRES_HEADER, _cadre("N1", number), _cadre("N2", make_id(22)), _cadre("N3", number.lower())]
    outcome = import_rows("cadres", rows)
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (4, "身份证号", "与第2行的身份证号相同")
    ]
    assert outcome.errors[0].value == idnumber.mask(number)
    assert number not in messages(outcome)
    assert not Cadre.objects.filter(code__startswith="N").exists()


def test_an_id_number_of_another_cadre_is_rejected_masked(cadres: dict[str, Cadre]) -> None:
    taken = cadres["G2"].id_number  # G2's
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", taken)])
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (2, "身份证号", "已登记为干部 G2 的身份证号")
    ]
    assert outcome.errors[0].value == idnumber.mask(taken)
    assert taken not in messages(outcome)


def test_duplicate_id_numbers_are_masked_in_command_output_and_error_workbook(
    cadres: dict[str, Cadre], tmp_path: Path
) -> None:
    taken = cadres["G2"].id_number
    fresh = make_id(23)
    path = write_xlsx(
        tmp_path / "cadres.xlsx",
        [CADRES_HEADER, _cadre("N1", taken), _cadre("N2", fresh), _cadre("N3", fresh)],
    )
    report = tmp_path / "errors.xlsx"
    out, err, error = run_command("import", "cadres", str(path), "--errors", str(report))
    assert error is not None and error.returncode == 1
    for number in (taken, fresh):
        assert number not in out + err
        assert number.encode() not in report.read_bytes()
    assert idnumber.mask(fresh) in err


def test_a_cadre_keeps_its_own_id_number_on_update(cadres: dict[str, Cadre]) -> None:
    own = cadres["G2"].id_number
    outcome = import_rows(
        "cadres", [CADRES_HEADER, _cadre("G2", own, name="钱主任", unit="U1", title="主任")]
    )
    assert outcome.ok, messages(outcome)
    assert Cadre.objects.get(code="G2").title == "主任"


@pytest.mark.parametrize("phone", ["13800001111", "0916-3212345", "09163212345", "(0916)3212345"])
def test_valid_phones(county: County, phone: str) -> None:
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(24), phone=phone)])
    assert outcome.ok, messages(outcome)
    assert Cadre.objects.get(code="N1").phone == normalize_phone(phone)


def test_phone_typed_into_a_numeric_cell(county: County) -> None:
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(24), phone=13800001111)], fmt="xlsx")
    assert outcome.ok, messages(outcome)
    assert Cadre.objects.get(code="N1").phone == "13800001111"


@pytest.mark.parametrize("phone", ["1380000111", "138000011112", "23800001111", "3212345", "电话"])
def test_invalid_phones(county: County, phone: str) -> None:
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(24), phone=phone)])
    assert [(e.row, e.column, e.value) for e in outcome.errors] == [(2, "手机号码", phone)]
    assert "以1开头的11位数字" in outcome.errors[0].message


@pytest.mark.parametrize(
    "cell",
    [
        "县级领导、帮扶干部",
        "县级领导,帮扶干部",
        "县级领导;帮扶干部",
        "县级领导，帮扶干部",
        "帮扶干部；县级领导",
    ],
)
def test_categories_one_or_more_with_any_separator(county: County, cell: str) -> None:
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(25), categories=cell)])
    assert outcome.ok, messages(outcome)
    assert Cadre.objects.get(code="N1").category_list == ["county_leader", "paired_cadre"]


def test_every_category_of_the_list(county: County) -> None:
    every = "县级领导、部门主要负责人、第一书记、驻村工作队长、驻村工作队员、帮扶干部、镇干部、村干部"
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(25), categories=every)])
    assert outcome.ok, messages(outcome)
    assert len(Cadre.objects.get(code="N1").category_list) == 8


@pytest.mark.parametrize("cell", ["宇航员", "帮扶干部、宇航员", "、"])
def test_unknown_or_missing_category_is_rejected(county: County, cell: str) -> None:
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(25), categories=cell)])
    assert [(e.row, e.column, e.value) for e in outcome.errors] == [(2, "干部类别", cell)]
    assert not Cadre.objects.filter(code="N1").exists()


def test_unit_code_must_exist(county: County) -> None:
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(26), unit="U404")])
    assert [(e.row, e.column, e.value, e.message) for e in outcome.errors] == [
        (2, "单位编码", "U404", "单位编码不存在")
    ]


def test_a_cadre_code_repeated_in_the_file_names_both_rows(county: County) -> None:
    rows = [CADRES_HEADER, _cadre("N1", make_id(26)), _cadre("N2", make_id(27)), _cadre("N1", make_id(28))]
    outcome = import_rows("cadres", rows)
    assert [(e.row, e.column, e.value) for e in outcome.errors] == [(4, "干部编号", "N1")]
    assert "与第2行重复" in outcome.errors[0].message


def test_scope_rejects_a_unit_of_another_county(county: County) -> None:
    before = counts()
    rows = [CADRES_HEADER, _cadre("N1", make_id(26), unit="U2"), _cadre("N2", make_id(27), unit="U9")]
    outcome = import_rows("cadres", rows, scope=COUNTY_ONLY)
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (3, "单位编码", "该单位不在您的管辖范围内")
    ]
    assert counts() == before


def test_scope_rejects_moving_another_countys_cadre(cadres: dict[str, Cadre]) -> None:
    # G9 works for 宁强县扶贫局 (U9); an import scoped to 略阳县 may not move it into U2.
    g9 = cadres["G9"]
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("G9", g9.id_number, unit="U2")], scope=COUNTY_ONLY)
    assert error_cells(outcome) == {(2, "干部编号")}
    assert Cadre.objects.get(code="G9").unit.code == "U9"


def test_an_empty_optional_cell_on_update_keeps_the_stored_value(county: County) -> None:
    """ledgers.md: an empty cell is "not given"; a partial file never wipes what was entered."""
    full = _cadre("N1", make_id(21), phone="13912345678", title="科长")
    assert import_rows("cadres", [CADRES_HEADER, full]).ok
    outcome = import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(21), name="王六")])
    assert outcome.ok, messages(outcome)
    cadre = Cadre.objects.get(code="N1")
    assert (cadre.name, cadre.phone, cadre.title) == ("王六", "13912345678", "科长")


def test_a_file_without_the_optional_columns_keeps_them(county: County) -> None:
    assert import_rows("cadres", [CADRES_HEADER, _cadre("N1", make_id(22), phone="13912345678")]).ok
    header = ["干部编号", "姓名", "身份证号", "单位编码", "干部类别"]
    outcome = import_rows("cadres", [header, ["N1", "王七", make_id(22), "U2", "帮扶干部"]])
    assert outcome.ok, messages(outcome)
    cadre = Cadre.objects.get(code="N1")
    assert (cadre.name, cadre.unit, cadre.phone) == ("王七", county.agriculture, "13912345678")
