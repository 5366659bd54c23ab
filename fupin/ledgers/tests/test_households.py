"""The households ledger (贫困户): every rule of ledgers.md, scope, masking, idempotence, round trip."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin.conftest import County, make_id
from fupin.core import idnumber
from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.ledgers.exports import ledger_export_csv, ledger_template
from fupin.ledgers.registry import ledger_named
from fupin.ledgers.tests.helpers import (
    COUNTY_ONLY,
    EVERYTHING,
    csv_bytes,
    error_cells,
    import_file,
    import_rows,
    messages,
    run_command,
    sheet_rows,
    totals,
    write_xlsx,
)
from fupin.registry.models import Household, PovertyStatus, StatusChange

HOUSEHOLDS_HEADER = [
    "户编号",
    "区划代码",
    "户主姓名",
    "户主身份证号",
    "家庭人口数",
    "识别标准",
    "贫困户属性",
    "主要致贫原因",
    "其他致贫原因",
    "脱贫属性",
    "识别年度",
    "脱贫年度",
    "联系电话",
    "住房安全有保障",
    "饮水安全有保障",
    "义务教育有保障",
    "基本医疗有保障",
    "年人均纯收入",
    "经度",
    "纬度",
]
HOUSEHOLDS_ENGLISH = [
    "code",
    "village_code",
    "head_name",
    "head_id_number",
    "size",
    "identification_standard",
    "category",
    "main_cause",
    "other_causes",
    "poverty_status",
    "registered_year",
    "exit_year",
    "phone",
    "housing_secure",
    "water_secure",
    "schooling_secure",
    "medical_secure",
    "net_income_per_capita",
    "longitude",
    "latitude",
]
TOWN_A = Scope(role="town_official", area_prefixes=("610727100",), root_area_code="610727100000")
VILLAGE_A1, VILLAGE_B1 = "610727100200", "610727101200"


def household(code: str, head_id: object = None, **cells: object) -> list[object]:
    """One row of HOUSEHOLDS_HEADER; `cells` by Chinese column name override the defaults."""
    row: dict[str, object] = {
        "户编号": code,
        "区划代码": VILLAGE_A1,
        "户主姓名": "王建国",
        "户主身份证号": head_id if head_id is not None else make_id(200 + int(code[1:] or 0)),
        "家庭人口数": "3",
        "识别标准": "国家标准",
        "贫困户属性": "一般贫困户",
        "主要致贫原因": "因病",
        "其他致贫原因": "",
        "脱贫属性": "未脱贫",
        "识别年度": "2015",
        "脱贫年度": "",
        "联系电话": "",
        "住房安全有保障": "",
        "饮水安全有保障": "",
        "义务教育有保障": "",
        "基本医疗有保障": "",
        "年人均纯收入": "",
        "经度": "",
        "纬度": "",
    } | cells
    return [row[name] for name in HOUSEHOLDS_HEADER]


def only_error(rows: list[list[object]], *, scope: Scope = EVERYTHING) -> tuple[int, str, str, str]:
    """(row, column, value, reason) of the one error the rows give; nothing was written."""
    outcome = import_rows("households", [HOUSEHOLDS_HEADER, *rows], scope=scope)
    assert len(outcome.errors) == 1, messages(outcome)
    error = outcome.errors[0]
    assert not Household.objects.filter(code__startswith="N").exists()
    return error.row, error.column, error.value, error.message


FULL_ROW = household(
    "N1",
    make_id(201),
    户主姓名="王建国",
    家庭人口数="4",
    识别标准="省定标准",
    贫困户属性="低保贫困户",
    主要致贫原因="因病",
    其他致贫原因="缺资金、缺技术",
    脱贫属性="已脱贫",
    识别年度="2014",
    脱贫年度="2018",
    联系电话="13912345678",
    住房安全有保障="是",
    饮水安全有保障="Y",
    义务教育有保障="0",
    基本医疗有保障="TRUE",
    年人均纯收入="6,520.5",
    经度="106.156",
    纬度="33.329",
)


def test_a_household_with_every_column(county: County) -> None:
    outcome = import_rows("households", [HOUSEHOLDS_HEADER, FULL_ROW])
    assert outcome.ok, messages(outcome)
    h = Household.objects.get(code="N1")
    assert (h.village, h.area_code, h.head_name, h.head_id_number, h.size) == (
        county.village_a1,
        VILLAGE_A1,
        "王建国",
        make_id(201),
        4,
    )
    assert (h.identification_standard, h.category, h.main_cause, h.poverty_status) == (
        "provincial",
        "dibao",
        "illness",
        "out",
    )
    # Stored in the enumeration's order whatever the file's order, so a reordered cell is no change.
    assert h.other_causes == ",no_skills,no_capital,"
    assert (h.registered_year, h.exit_year, h.phone) == (2014, 2018, "13912345678")
    assert (h.housing_secure, h.water_secure, h.schooling_secure, h.medical_secure) == (
        True,
        True,
        False,
        True,
    )
    assert h.net_income_per_capita == Decimal("6520.50")
    assert (h.longitude, h.latitude) == (Decimal("106.156"), Decimal("33.329"))
    assert h.search_key == "wangjianguo wjg"
    log = ChangeLog.objects.get(object_type="registry.household", object_id=h.pk)
    assert log.action == "create" and log.after is not None
    assert log.after["户主身份证号"] == idnumber.mask(make_id(201))


def test_english_headers_in_another_order(county: County) -> None:
    order = list(reversed(range(len(HOUSEHOLDS_HEADER))))
    rows = [[HOUSEHOLDS_ENGLISH[i] for i in order], [FULL_ROW[i] for i in order]]
    outcome = import_rows("households", rows)
    assert outcome.ok, messages(outcome)
    assert not outcome.warnings
    assert Household.objects.get(code="N1").exit_year == 2018


def test_xlsx_with_numeric_cells(county: County) -> None:
    row = household("N1", make_id(201), 家庭人口数=3.0, 识别年度=2015, 年人均纯收入=4321.25, 经度=106.5)
    outcome = import_rows("households", [HOUSEHOLDS_HEADER, row], fmt="xlsx")
    assert outcome.ok, messages(outcome)
    h = Household.objects.get(code="N1")
    assert (h.size, h.registered_year, h.net_income_per_capita, h.longitude) == (
        3,
        2015,
        Decimal("4321.25"),
        Decimal("106.5"),
    )


def test_gb18030_csv(county: County) -> None:
    data = csv_bytes([HOUSEHOLDS_HEADER, household("N1", 户主姓名="龘靐")], "gb18030")
    outcome = import_file("households", data, "households.csv")
    assert outcome.ok, messages(outcome)
    assert Household.objects.get(code="N1").head_name == "龘靐"


# -- 区划代码 -------------------------------------------------------------------------------------
def test_village_code_must_exist(county: County) -> None:
    assert only_error([household("N1", 区划代码="610727100299")]) == (
        2,
        "区划代码",
        "610727100299",
        "区划代码不存在（数据库和已导入的行政区划台账中都没有）",
    )


@pytest.mark.parametrize(("code", "level"), [("610727100000", "乡镇"), ("610727000000", "县")])
def test_village_code_must_be_a_village(county: County, code: str, level: str) -> None:
    assert only_error([household("N1", 区划代码=code)]) == (
        2,
        "区划代码",
        code,
        f"应为村级区划，该区划是{level}",
    )


def test_village_code_must_be_twelve_digits(county: County) -> None:
    row, column, value, message = only_error([household("N1", 区划代码="6107271002")])
    assert (row, column, value, message) == (2, "区划代码", "6107271002", "应为12位数字")


def test_village_outside_the_scope_is_refused(county: County) -> None:
    outcome = import_rows(
        "households", [HOUSEHOLDS_HEADER, household("N1"), household("N2", 区划代码=VILLAGE_B1)], scope=TOWN_A
    )
    assert [(e.row, e.column, e.value, e.message) for e in outcome.errors] == [
        (3, "区划代码", VILLAGE_B1, "不在您的管辖范围内")
    ]
    assert not Household.objects.exists()


def test_a_village_of_another_county_is_refused_to_a_county_scope(county: County) -> None:
    # The other county has no village in the fixture; its code is checked against the scope first.
    outcome = import_rows(
        "households", [HOUSEHOLDS_HEADER, household("N1", 区划代码="610726100200")], scope=COUNTY_ONLY
    )
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [(2, "区划代码", "不在您的管辖范围内")]
    assert not Household.objects.exists()


def test_a_stored_household_of_another_town_cannot_be_updated_or_moved(
    registry: dict[str, Household],
) -> None:
    # H2 lies in 接官亭镇; a 兴州街道 official may neither edit it nor move it into a village of theirs.
    row = household("H2", make_id(103), 户主姓名="李平", 家庭人口数="5")
    outcome = import_rows("households", [HOUSEHOLDS_HEADER, row], scope=TOWN_A)
    assert [(e.row, e.column, e.value, e.message) for e in outcome.errors] == [
        (2, "户编号", "H2", "该户不在您的管辖范围内")
    ]
    h2 = Household.objects.get(code="H2")
    assert (h2.area_code, h2.size, h2.version) == (VILLAGE_B1, 1, 1)


def test_a_town_official_updates_a_household_of_their_town(registry: dict[str, Household]) -> None:
    row = household("H1", make_id(101), 户主姓名="王建国", 家庭人口数="5", 区划代码="610727100201")
    outcome = import_rows("households", [HOUSEHOLDS_HEADER, row], scope=TOWN_A)
    assert outcome.ok, messages(outcome)
    h1 = Household.objects.get(code="H1")
    assert (h1.size, h1.area_code, h1.version) == (5, "610727100201", 2)


# -- numbers and choices ----------------------------------------------------------------------
@pytest.mark.parametrize("size", ["1", "20"])
def test_household_size_bounds_accepted(county: County, size: str) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, household("N1", 家庭人口数=size)]).ok
    assert Household.objects.get(code="N1").size == int(size)


@pytest.mark.parametrize(("size", "reason"), [("0", "不能小于1"), ("21", "不能大于20"), ("三", "应为整数")])
def test_household_size_out_of_range_rejected(county: County, size: str, reason: str) -> None:
    assert only_error([household("N1", 家庭人口数=size)]) == (2, "家庭人口数", size, reason)


@pytest.mark.parametrize(
    ("column", "good", "stored", "field"),
    [
        ("识别标准", "省定标准", "provincial", "identification_standard"),
        ("贫困户属性", "特困供养贫困户", "tekun", "category"),
        ("主要致贫原因", "自身发展动力不足", "motivation", "main_cause"),
        ("脱贫属性", "返贫", "relapsed", "poverty_status"),
    ],
)
def test_choice_columns_map_labels_to_values(
    county: County, column: str, good: str, stored: str, field: str
) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, household("N1", **{column: good})]).ok
    assert getattr(Household.objects.get(code="N1"), field) == stored


@pytest.mark.parametrize(
    ("column", "bad"),
    [
        ("识别标准", "市定标准"),
        ("贫困户属性", "五保户"),
        ("主要致贫原因", "懒"),
        ("脱贫属性", "新识别"),  # a status of the platform, not of the ledger
        ("脱贫属性", "一般农户"),
        ("脱贫属性", "预脱贫"),
    ],
)
def test_choice_columns_reject_labels_off_the_list(county: County, column: str, bad: str) -> None:
    row, col, value, message = only_error([household("N1", **{column: bad})])
    assert (row, col, value) == (2, column, bad)
    assert message.startswith("应为以下之一：")


def test_poverty_status_list_is_the_ledgers(county: County) -> None:
    column = next(c for c in ledger_named("households").columns if c.key == "poverty_status")
    assert column.options == ("未脱贫", "已脱贫", "返贫", "注销")


# -- 其他致贫原因 ---------------------------------------------------------------------------------
@pytest.mark.parametrize("cell", ["缺资金", "缺资金、缺技术", "缺技术;缺资金", "缺技术,缺资金"])
def test_up_to_two_other_causes(county: County, cell: str) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, household("N1", 其他致贫原因=cell)]).ok
    assert Household.objects.get(code="N1").other_cause_list in (["no_capital"], ["no_skills", "no_capital"])


def test_three_other_causes_rejected(county: County) -> None:
    assert only_error([household("N1", 其他致贫原因="因残、因学、缺水")]) == (
        2,
        "其他致贫原因",
        "因残、因学、缺水",
        "最多填写2项",
    )


def test_other_cause_equal_to_the_main_cause_rejected(county: County) -> None:
    assert only_error([household("N1", 主要致贫原因="因病", 其他致贫原因="缺水、因病")]) == (
        2,
        "其他致贫原因",
        "缺水、因病",
        "不能与主要致贫原因（因病）相同",
    )


def test_other_cause_off_the_list_rejected(county: County) -> None:
    row, column, value, message = only_error([household("N1", 其他致贫原因="缺水、运气")])
    assert (row, column, value) == (2, "其他致贫原因", "缺水、运气")
    assert message.startswith("“运气”不是有效值")


# -- years ------------------------------------------------------------------------------------
@pytest.mark.parametrize("year", ["2013", "2030"])
def test_registered_year_bounds_accepted(county: County, year: str) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, household("N1", 识别年度=year)]).ok


@pytest.mark.parametrize(
    ("year", "reason"), [("2012", "不能小于2013"), ("2031", "不能大于2030"), ("", "必填项为空")]
)
def test_registered_year_out_of_range_rejected(county: County, year: str, reason: str) -> None:
    assert only_error([household("N1", 识别年度=year)]) == (2, "识别年度", year, reason)


def test_exit_year_required_for_exited(county: County) -> None:
    assert only_error([household("N1", 脱贫属性="已脱贫")]) == (
        2,
        "脱贫年度",
        "",
        "脱贫属性为已脱贫时必须填写脱贫年度",
    )


@pytest.mark.parametrize("status", ["未脱贫", "返贫", "注销"])
def test_exit_year_optional_for_other_statuses(county: County, status: str) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, household("N1", 脱贫属性=status)]).ok


def test_exit_year_not_before_registered_year(county: County) -> None:
    assert only_error([household("N1", 脱贫属性="已脱贫", 识别年度="2016", 脱贫年度="2015")]) == (
        2,
        "脱贫年度",
        "2015",
        "不能早于识别年度（2016）",
    )
    assert import_rows(
        "households",
        [HOUSEHOLDS_HEADER, household("N1", 脱贫属性="已脱贫", 识别年度="2016", 脱贫年度="2016")],
    ).ok


# -- income, booleans, coordinates, phone -----------------------------------------------------
@pytest.mark.parametrize(("cell", "stored"), [("0", Decimal(0)), ("12,345.678", Decimal("12345.68"))])
def test_net_income_accepted(county: County, cell: str, stored: Decimal) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, household("N1", 年人均纯收入=cell)]).ok
    assert Household.objects.get(code="N1").net_income_per_capita == stored


@pytest.mark.parametrize(("cell", "reason"), [("-0.01", "不能小于0"), ("三千", "应为数字")])
def test_net_income_negative_or_text_rejected(county: County, cell: str, reason: str) -> None:
    assert only_error([household("N1", 年人均纯收入=cell)]) == (2, "年人均纯收入", cell, reason)


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        ("TRUE", True),
        ("false", False),
    ],
)
def test_booleans_by_the_reading_rules(county: County, cell: str, stored: bool) -> None:
    row = household("N1", 住房安全有保障=cell, 饮水安全有保障=cell, 义务教育有保障=cell, 基本医疗有保障=cell)
    assert import_rows("households", [HOUSEHOLDS_HEADER, row]).ok
    h = Household.objects.get(code="N1")
    assert [h.housing_secure, h.water_secure, h.schooling_secure, h.medical_secure] == [stored] * 4


def test_boolean_cells_of_an_xlsx(county: County) -> None:
    row = household("N1", 住房安全有保障=True, 饮水安全有保障=False)
    assert import_rows("households", [HOUSEHOLDS_HEADER, row], fmt="xlsx").ok
    h = Household.objects.get(code="N1")
    assert (h.housing_secure, h.water_secure, h.schooling_secure) == (True, False, None)


def test_boolean_off_the_rules_rejected(county: County) -> None:
    assert only_error([household("N1", 饮水安全有保障="有")]) == (
        2,
        "饮水安全有保障",
        "有",
        "应为 是/否、Y/N、1/0 或 TRUE/FALSE",
    )


@pytest.mark.parametrize(
    ("column", "cell"), [("经度", "180.5"), ("经度", "-181"), ("纬度", "90.1"), ("纬度", "-91")]
)
def test_coordinates_out_of_range_rejected(county: County, column: str, cell: str) -> None:
    row, col, value, message = only_error([household("N1", **{column: cell})])
    assert (row, col, value) == (2, column, cell)
    assert message.startswith(("不能大于", "不能小于"))


@pytest.mark.parametrize("phone", ["13912345678", "0916-3212345"])
def test_valid_phones(county: County, phone: str) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, household("N1", 联系电话=phone)]).ok
    assert Household.objects.get(code="N1").phone == phone


@pytest.mark.parametrize("phone", ["1391234567", "23912345678", "3212345"])
def test_invalid_phones(county: County, phone: str) -> None:
    row, column, value, message = only_error([household("N1", 联系电话=phone)])
    assert (row, column, value) == (2, "联系电话", phone)
    assert "以1开头的11位数字" in message


# -- 户主身份证号 ---------------------------------------------------------------------------------
def test_invalid_head_id_number_is_rejected_masked(county: County) -> None:
    good = make_id(201)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert only_error([household("N1", wrong)]) == (
        2,
        "户主身份证号",
        idnumber.mask(wrong),
        "身份证号校验位错误",
    )


def test_head_id_number_lower_case_x_is_stored_upper(county: County) -> None:
    number = next(n for s in range(1000) if (n := make_id(s)).endswith("X"))
    assert import_rows("households", [HOUSEHOLDS_HEADER, household("N1", number.lower())]).ok
    assert Household.objects.get(code="N1").head_id_number == number


def test_one_head_for_two_households_in_a_file_is_rejected_masked(county: County) -> None:
    number = make_id(201)
    outcome = import_rows("households", [HOUSEHOLDS_HEADER, household("N1", number), household("N2", number)])
    assert [(e.row, e.column, e.value, e.message) for e in outcome.errors] == [
        (3, "户主身份证号", idnumber.mask(number), "与第2行的户主身份证号相同")
    ]
    assert number not in messages(outcome)


def test_the_head_of_a_stored_household_cannot_head_another(registry: dict[str, Household]) -> None:
    assert only_error([household("N1", make_id(103))]) == (
        2,
        "户主身份证号",
        idnumber.mask(make_id(103)),
        "已是户 H2 的户主身份证号",
    )


# -- the file as a whole ----------------------------------------------------------------------
def test_every_error_is_reported_and_nothing_written(county: County) -> None:
    rows = [
        HOUSEHOLDS_HEADER,
        household("N1", 家庭人口数="0"),
        household("N2"),
        household("N3", 区划代码="610727100000"),
        household("N4", 脱贫属性="已脱贫"),
        household("N1"),
    ]
    outcome = import_rows("households", rows)
    assert error_cells(outcome) == {(2, "家庭人口数"), (4, "区划代码"), (5, "脱贫年度"), (6, "户编号")}
    assert "与第2行重复" in next(e.message for e in outcome.errors if e.row == 6)
    assert not Household.objects.exists()
    assert not ChangeLog.objects.filter(object_type="registry.household").exists()


def test_a_second_import_changes_nothing(county: County) -> None:
    rows = [HOUSEHOLDS_HEADER, FULL_ROW, household("N2", 其他致贫原因="缺技术")]
    first = import_rows("households", rows)
    assert totals(first) == (2, 0, 0)
    logs, versions = ChangeLog.objects.count(), list(Household.objects.values_list("version", flat=True))
    reordered = [*FULL_ROW]
    reordered[HOUSEHOLDS_HEADER.index("其他致贫原因")] = "缺技术、缺资金"  # same causes, other order
    second = import_rows("households", [HOUSEHOLDS_HEADER, reordered, rows[2]], fmt="xlsx")
    assert totals(second) == (0, 0, 2)
    assert ChangeLog.objects.count() == logs
    assert list(Household.objects.values_list("version", flat=True)) == versions
    assert not StatusChange.objects.exists()


def test_an_update_is_logged_and_an_empty_optional_cell_keeps_the_stored_value(county: County) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, FULL_ROW]).ok
    sparse = household(
        "N1", make_id(201), 户主姓名="王建军", 家庭人口数="4", 识别标准="省定标准", 贫困户属性="低保贫困户"
    )
    sparse[HOUSEHOLDS_HEADER.index("脱贫属性")] = "已脱贫"
    sparse[HOUSEHOLDS_HEADER.index("识别年度")] = "2014"
    sparse[HOUSEHOLDS_HEADER.index("脱贫年度")] = "2018"
    outcome = import_rows("households", [HOUSEHOLDS_HEADER, sparse])
    assert totals(outcome) == (0, 1, 0), messages(outcome)
    h = Household.objects.get(code="N1")
    assert (h.head_name, h.search_key, h.version) == ("王建军", "wangjianjun wjj", 2)
    assert (h.other_causes, h.phone, h.housing_secure, h.net_income_per_capita, h.longitude) == (
        ",no_skills,no_capital,",
        "13912345678",
        True,
        Decimal("6520.50"),
        Decimal("106.156"),
    )
    log = ChangeLog.objects.filter(object_type="registry.household", action="update").get()
    assert log.changed_fields() == [("户主姓名", "王建国", "王建军")]


def test_a_status_changed_by_import_enters_the_status_history(registry: dict[str, Household]) -> None:
    row = household("H1", make_id(101), 户主姓名="王建国", 家庭人口数="2", 脱贫属性="已脱贫", 脱贫年度="2019")
    assert import_rows("households", [HOUSEHOLDS_HEADER, row]).ok
    change = StatusChange.objects.get()
    assert (change.household.code, change.from_status, change.to_status, change.reason) == (
        "H1",
        PovertyStatus.NOT_OUT,
        PovertyStatus.OUT,
        "台账导入",
    )


def test_masked_id_numbers_in_command_output_and_error_workbook(
    registry: dict[str, Household], tmp_path: Path
) -> None:
    taken, good = make_id(103), make_id(205)
    bad = good[:17] + ("1" if good[17] == "0" else "0")
    path = write_xlsx(
        tmp_path / "households.xlsx", [HOUSEHOLDS_HEADER, household("N1", taken), household("N2", bad)]
    )
    report = tmp_path / "errors.xlsx"
    out, err, error = run_command("import", "households", str(path), "--errors", str(report))
    assert error is not None and error.returncode == 1
    assert idnumber.mask(taken) in err
    for number in (taken, bad):
        assert number not in out + err
        assert number not in str(sheet_rows(report))
    assert not Household.objects.filter(code__startswith="N").exists()


# -- template and export ----------------------------------------------------------------------
def test_template_header_drop_downs_and_example(county: County) -> None:
    definition = ledger_named("households")
    data = ledger_template(definition)
    assert sheet_rows(data)[0] == HOUSEHOLDS_HEADER
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert lists["F2:F10000"] == '"国家标准,省定标准"'
    assert lists["J2:J10000"] == '"未脱贫,已脱贫,返贫,注销"'
    assert lists["N2:N10000"] == '"是,否"'
    assert sheet["D2"].number_format == "@"  # 户主身份证号 kept as text
    example = sheet_rows(data, "示例")
    assert example[0] == HOUSEHOLDS_HEADER
    # The example row itself imports.
    assert import_rows("households", [HOUSEHOLDS_HEADER, [str(c or "") for c in example[1]]]).ok


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_reimport_changes_nothing(county: County, tmp_path: Path, suffix: str) -> None:
    rows = [
        HOUSEHOLDS_HEADER,
        FULL_ROW,
        household("N2", 区划代码=VILLAGE_B1, 脱贫属性="返贫", 年人均纯收入="0", 经度="-0.5", 纬度="0"),
        household("N3", 脱贫属性="注销", 联系电话="0916-3212345", 住房安全有保障="否"),
    ]
    assert import_rows("households", rows).ok
    changes = ChangeLog.objects.count()
    out = tmp_path / f"households{suffix}"
    _, _, error = run_command("ledger", "export", "households", str(out))
    assert error is None
    outcome = import_file("households", out.read_bytes(), out.name)
    assert outcome.ok, messages(outcome)
    assert not outcome.warnings
    assert totals(outcome) == (0, 0, 3)
    assert ChangeLog.objects.count() == changes


def test_export_in_ledger_form(county: County, tmp_path: Path) -> None:
    assert import_rows("households", [HOUSEHOLDS_HEADER, FULL_ROW]).ok
    out = tmp_path / "households.csv"
    run_command("ledger", "export", "households", str(out))
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == HOUSEHOLDS_HEADER
    expected = [*FULL_ROW]
    expected[HOUSEHOLDS_HEADER.index("其他致贫原因")] = "缺技术、缺资金"
    expected[HOUSEHOLDS_HEADER.index("饮水安全有保障")] = "是"
    expected[HOUSEHOLDS_HEADER.index("义务教育有保障")] = "否"
    expected[HOUSEHOLDS_HEADER.index("基本医疗有保障")] = "是"
    expected[HOUSEHOLDS_HEADER.index("年人均纯收入")] = "6520.5"
    assert rows[1] == expected


def test_export_keeps_to_the_scope_and_masks_for_scopes_without_full_ids(
    registry: dict[str, Household],
) -> None:
    definition = ledger_named("households")
    everything = {r["code"]: r for r in definition.export_rows(EVERYTHING)}
    assert set(everything) == {"H1", "H2"}
    assert everything["H1"]["head_id_number"] == make_id(101)
    assert everything["H1"]["phone"] == "13900000001"
    town = list(definition.export_rows(TOWN_A))
    assert [r["code"] for r in town] == ["H1"]
    assert town[0]["head_id_number"] == idnumber.mask(make_id(101))
    assert town[0]["phone"] == "139****0001"
    assert make_id(101).encode() not in ledger_export_csv(definition, TOWN_A)


def test_export_leaves_out_households_that_are_not_registered(registry: dict[str, Household]) -> None:
    Household.objects.filter(code="H2").update(poverty_status=PovertyStatus.NON_POOR)
    assert [r["code"] for r in ledger_named("households").export_rows(EVERYTHING)] == ["H1"]
