"""Reading rules shared by every ledger: file kinds, encodings, headers, trimming, empty cells."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin.areas.models import Area
from fupin.conftest import County, make_id
from fupin.ledgers.reading import read_table
from fupin.ledgers.tests.helpers import (
    AREAS_HEADER,
    UNITS_HEADER,
    counts,
    csv_bytes,
    import_file,
    import_rows,
    messages,
    xlsx_bytes,
)
from fupin.people.models import Cadre, Unit

NEW_VILLAGE = ["610727100202", "新建村", "村", "610727100000", "是", "106.1", "33.3"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_are_detected(county: County, encoding: str) -> None:
    data = csv_bytes([AREAS_HEADER, NEW_VILLAGE], encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    outcome = import_file("areas", data, "areas.csv")
    assert outcome.ok, messages(outcome)
    village = Area.objects.get(code="610727100202")
    assert village.name == "新建村"  # Chinese text decoded, not mojibake
    assert village.parent == county.town_a
    assert village.is_poor_village is True


def test_gb18030_csv_cells_are_decoded(db: None) -> None:
    table = read_table(csv_bytes([["区划代码", "名称"], ["610727000000", "略阳县"]], "gb18030"), "a.csv")
    assert table.header == ["区划代码", "名称"]
    assert table.rows == [(2, ["610727000000", "略阳县"])]


def test_xlsx_first_sheet_is_read(county: County) -> None:
    data = xlsx_bytes(
        [AREAS_HEADER, NEW_VILLAGE],
        extra_sheets={"另一张": [AREAS_HEADER, ["610727100203", "别的村", "村", "610727100000"]]},
    )
    outcome = import_file("areas", data, "areas.xlsx")
    assert outcome.ok, messages(outcome)
    assert Area.objects.filter(code="610727100202").exists()
    assert not Area.objects.filter(code="610727100203").exists()


def test_xlsx_numeric_cells_are_read_as_their_text(county: County) -> None:
    # Codes and coordinates typed as numbers: 610727100202.0 is read as "610727100202".
    row = [610727100202, "新建村", "村", 610727100000, 1, 106.1, 33.3]
    outcome = import_rows("areas", [AREAS_HEADER, row], fmt="xlsx")
    assert outcome.ok, messages(outcome)
    village = Area.objects.get(code="610727100202")
    assert village.is_poor_village is True
    assert village.longitude == Decimal("106.1")


def test_unsupported_or_damaged_file_is_rejected(db: None) -> None:
    outcome = import_file("areas", b"hello", "areas.txt")
    assert not outcome.ok and "只支持" in messages(outcome)
    outcome = import_file("areas", b"PK\x03\x04 not really a workbook", "areas.xlsx")
    assert not outcome.ok and "无法读取Excel文件" in messages(outcome)
    outcome = import_file("areas", b"", "areas.csv")
    assert not outcome.ok and "表头" in messages(outcome)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_english_headers_in_any_order(county: County, fmt: str) -> None:
    header = ["Latitude", "level", "NAME", "parent_code", "code", "is_poor_village", "longitude"]
    row = ["33.3", "村", "新建村", "610727100000", "610727100202", "否", "106.1"]
    outcome = import_rows("areas", [header, row], fmt=fmt)
    assert outcome.ok, messages(outcome)
    assert not outcome.warnings
    village = Area.objects.get(code="610727100202")
    assert (village.name, village.latitude, village.longitude) == (
        "新建村",
        Decimal("33.3"),
        Decimal("106.1"),
    )
    assert village.is_poor_village is False


def test_chinese_and_english_headers_mixed_in_any_order(county: County) -> None:
    header = ["kind", "单位名称", "code", "所在区划代码"]
    outcome = import_rows("units", [header, ["行业部门", "县水利局", "U20", "610727000000"]])
    assert outcome.ok, messages(outcome)
    unit = Unit.objects.get(code="U20")
    assert (unit.name, unit.kind, unit.area) == ("县水利局", "sector_dept", county.county)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spaces_and_full_width_spaces_are_trimmed(county: County, fmt: str) -> None:
    header = [" 区划代码\u3000", "\u3000名称", "层级 ", "\u3000上级区划代码 \u3000"]
    row = ["\u3000610727100202 ", " 新建村\u3000", "\u3000村\u3000", " 610727100000"]
    outcome = import_rows("areas", [header, row], fmt=fmt)
    assert outcome.ok, messages(outcome)
    assert Area.objects.get(code="610727100202").name == "新建村"


def test_missing_required_column_rejects_the_whole_file(county: County) -> None:
    before = counts()
    header = ["区划代码", "名称", "上级区划代码"]  # no 层级
    rows = [header, ["610727100202", "新建村", "610727100000"], ["610727100203", "又一村", "610727100000"]]
    outcome = import_rows("areas", rows)
    assert not outcome.ok
    assert [(e.row, e.column) for e in outcome.errors] == [(1, "层级")]
    assert "缺少必填列“层级”（level）" in outcome.errors[0].message
    assert counts() == before


def test_several_missing_columns_are_all_reported(db: None) -> None:
    outcome = import_rows("cadres", [["姓名", "职务"], ["张三", "科员"]])
    missing = {e.column for e in outcome.errors}
    assert missing == {"干部编号", "身份证号", "单位编码", "干部类别"}


def test_unknown_column_is_a_warning_and_ignored(county: County) -> None:
    header = [*AREAS_HEADER[:4], "备注", "Population"]
    outcome = import_rows("areas", [header, [*NEW_VILLAGE[:4], "随便写", "1234"]])
    assert outcome.ok, messages(outcome)
    assert {(w.row, w.column) for w in outcome.warnings} == {(1, "备注"), (1, "Population")}
    assert all("未知的列" in w.message for w in outcome.warnings)
    assert Area.objects.filter(code="610727100202").exists()


def test_a_column_given_twice_is_an_error(county: County) -> None:
    header = ["区划代码", "code", "名称", "层级", "上级区划代码"]
    outcome = import_rows("areas", [header, ["610727100202", "610727100202", "新建村", "村", "610727100000"]])
    assert not outcome.ok
    assert "该列重复出现" in messages(outcome)


def test_empty_optional_cells_are_not_given(county: County) -> None:
    rows = [AREAS_HEADER, ["610727100202", "新建村", "村", "610727100000", "", "\u3000", " "]]
    outcome = import_rows("areas", rows)
    assert outcome.ok, messages(outcome)
    village = Area.objects.get(code="610727100202")
    assert (village.is_poor_village, village.longitude, village.latitude) == (False, None, None)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_required_empty_cell_names_row_and_column(county: County, fmt: str) -> None:
    rows = [
        UNITS_HEADER,
        ["U20", "县水利局", "行业部门", "", ""],
        ["U21", "\u3000", "行业部门", "", ""],
        ["", "无编码单位", "", "", ""],
    ]
    outcome = import_rows("units", rows, fmt=fmt)
    assert not outcome.ok
    assert {(e.row, e.column, e.message) for e in outcome.errors} == {
        (3, "单位名称", "必填项为空"),
        (4, "单位编码", "必填项为空"),
        (4, "单位类型", "必填项为空"),
    }
    assert "第3行“单位名称”列" in messages(outcome)


def test_blank_rows_are_skipped_but_row_numbers_follow_excel(county: County) -> None:
    rows = [
        UNITS_HEADER,
        ["U20", "县水利局", "行业部门", "", ""],
        ["", "", "", "", ""],
        ["\u3000", " ", None, None, None],
        ["U21", "县林业局", "宇宙部门", "", ""],
    ]
    outcome = import_rows("units", rows, fmt="xlsx")
    assert outcome.reports[0].rows == 2
    assert [(e.row, e.column) for e in outcome.errors] == [(5, "单位类型")]


def test_short_rows_leave_trailing_cells_empty(county: County) -> None:
    rows = [
        ["干部编号", "姓名", "身份证号", "单位编码", "干部类别", "手机号码"],
        ["N1", "甲", make_id(50), "U1"],
    ]
    outcome = import_rows("cadres", rows)
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [(2, "干部类别", "必填项为空")]
    assert not Cadre.objects.filter(code="N1").exists()
