"""The solar-stations and solar-income ledgers: a good file imports (twice changes nothing), and
every kind of bad row is rejected with its row, column and reason while nothing is written."""

from __future__ import annotations

import pytest

from fupin.core.models import ChangeLog
from fupin.industry.models import SolarIncome, SolarOwnership, SolarStation
from fupin.industry.services.solar import village_incomes
from fupin.industry.tests.conftest import Solar
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import COUNTY_ONLY, error_cells, import_rows, messages

pytestmark = pytest.mark.django_db

STATIONS = [
    "电站编号",
    "电站名称",
    "所在区划代码",
    "装机容量（千瓦）",
    "并网日期",
    "所属村区划代码",
    "产权份额",
]
INCOME = ["电站编号", "月份", "发电量（千瓦时）", "发电收入（元）"]
A1, A2, B1 = "610727100200", "610727100201", "610727101200"


def _counts() -> tuple[int, int, int, int]:
    return (
        SolarStation.objects.count(),
        SolarOwnership.objects.count(),
        SolarIncome.objects.count(),
        ChangeLog.objects.count(),
    )


def test_a_joint_station_and_its_income_import_and_a_second_import_changes_nothing(solar: Solar) -> None:
    stations = [
        STATIONS,
        ["GF02", "联村电站", A1, "500", "2017-06-30", A1, "3"],
        ["GF02", "联村电站", A1, "500", "2017-06-30", B1, "1"],
    ]
    income = [INCOME, ["GF02", "2019-01", "40000", "1,000.01"], ["GF02", "2019年2月", "36000.5", "999.99"]]
    for fmt in ("csv", "xlsx"):
        assert import_rows("solar-stations", stations, fmt=fmt).ok
        assert import_rows("solar-income", income, fmt=fmt).ok
        if fmt == "csv":
            before = _counts()
    assert _counts() == before
    # 2,000.00 yuan by 3 : 1 → 1,500.00 and 500.00 (plus GF01's share for A1).
    county = solar.personas.county
    assert village_incomes(2019, [county.village_b1.pk]) == {county.village_b1.pk: 50000}
    exported = list(LEDGERS["solar-income"].export_rows(COUNTY_ONLY))
    assert {
        "station_code": "GF02",
        "month": "2019-01",
        "generation_kwh": "40000.0",
        "income": "1000.01",
    } in exported


@pytest.mark.parametrize(
    ("row", "cell", "reason"),
    [
        (["GF09", "电站", A1, "0", "", A1, "1"], (2, "装机容量（千瓦）"), "不能小于"),
        (["GF09", "电站", A1, "300", "", "610727100000", "1"], (2, "所属村区划代码"), "须是村级区划"),
        (["GF09", "电站", A1, "300", "", "610727999999", "1"], (2, "所属村区划代码"), "区划代码不存在"),
        (["GF09", "电站", A1, "300", "", A1, "0"], (2, "产权份额"), "不能小于"),
        (["GF09", "电站", A1, "300", "2017-02-30", A1, "1"], (2, "并网日期"), "日期不存在"),
        (["GF01", "一号村级电站", A1, "300", "", A1, "1"], None, None),  # control: a good row
    ],
)
def test_bad_station_rows_are_rejected_and_nothing_is_written(
    solar: Solar, row: list[str], cell: tuple[int, str] | None, reason: str | None
) -> None:
    before = _counts()
    outcome = import_rows("solar-stations", [STATIONS, row, ["GF10", "好电站", A1, "100", "", A2, "1"]])
    if cell is None:
        assert outcome.ok
        return
    assert cell in error_cells(outcome) and reason in messages(outcome)
    assert _counts() == before


def test_one_station_must_say_the_same_on_each_of_its_rows_and_keys_are_unique(solar: Solar) -> None:
    outcome = import_rows(
        "solar-stations",
        [
            STATIONS,
            ["GF03", "甲", A1, "300", "", A1, "1"],
            ["GF03", "乙", A1, "300", "", A2, "1"],
            ["GF03", "甲", A1, "300", "", A1, "1"],
        ],
    )
    assert {(3, "电站名称"), (4, "电站编号")} <= error_cells(outcome)
    assert (
        "与第2行同一电站的该列不一致" in messages(outcome)
        and not SolarStation.objects.filter(code="GF03").exists()
    )


def test_a_station_outside_the_importers_area_is_refused(solar: Solar) -> None:
    outside = import_rows(
        "solar-stations", [STATIONS, ["GF04", "外县", A1, "300", "", "610728100200", "1"]], scope=COUNTY_ONLY
    )
    assert (2, "所属村区划代码") in error_cells(outside)


@pytest.mark.parametrize(
    ("row", "cell", "reason"),
    [
        (["GF99", "2019-03", "1", "1"], (2, "电站编号"), "电站编号不存在"),
        (["GF01", "2019-13", "1", "1"], (2, "月份"), "月份格式"),
        (["GF01", "2099-01", "1", "1"], (2, "月份"), "不能晚于本月"),
        (["GF01", "2019-03", "-1", "1"], (2, "发电量（千瓦时）"), "不能小于"),
        (["GF01", "2019-03", "1", "1.005"], (2, "发电收入（元）"), "两位小数"),
        (["GF01", "2019-03", "1", "-5"], (2, "发电收入（元）"), "不能为负数"),
        (["GF01", "2019-03", "1", "abc"], (2, "发电收入（元）"), "不是有效的数字"),
        (["GF01", "2019-03", "", "1"], (2, "发电量（千瓦时）"), "必填项为空"),
    ],
)
def test_bad_income_rows_are_rejected_and_nothing_is_written(
    solar: Solar, row: list[str], cell: tuple[int, str], reason: str
) -> None:
    before = _counts()
    outcome = import_rows("solar-income", [INCOME, ["GF01", "2019-04", "100", "100"], row])
    cell = (3, cell[1])
    assert cell in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert _counts() == before


def test_a_missing_column_and_a_repeated_month_reject_the_file(solar: Solar) -> None:
    missing = import_rows("solar-income", [INCOME[:3], ["GF01", "2019-04", "100"]])
    assert "缺少必填列“发电收入（元）”" in messages(missing)
    repeated = import_rows(
        "solar-income", [INCOME, ["GF01", "2019-04", "1", "1"], ["GF01", "2019/4", "1", "1"]]
    )
    assert (3, "电站编号") in error_cells(repeated) and "与第2行重复" in messages(repeated)
