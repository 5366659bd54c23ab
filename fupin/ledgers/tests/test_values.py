"""Cell parsers: the reading rules for dates, booleans, numbers, coordinates, ID and phone numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fupin.conftest import make_id
from fupin.ledgers import values as v
from fupin.ledgers.reading import read_table
from fupin.ledgers.tests.helpers import xlsx_bytes

NOV_5 = dt.date(2019, 11, 5)


@pytest.mark.parametrize(
    "cell",
    ["2019-11-05", "2019/11/5", "2019/11/05", "2019年11月5日", "20191105", " 2019-11-05\u3000"],
)
def test_date_text_forms(cell: str) -> None:
    assert v.date(cell) == NOV_5


def test_date_cells_of_excel() -> None:
    assert v.date(NOV_5) == NOV_5
    assert v.date(dt.datetime(2019, 11, 5, 0, 0)) == NOV_5
    assert v.date(20191105.0) == NOV_5  # 20191105 typed into a numeric cell


def test_date_from_an_excel_date_cell() -> None:
    table = read_table(xlsx_bytes([["日期", "时刻"], [NOV_5, dt.datetime(2019, 11, 5, 8, 30)]]), "d.xlsx")
    date_cell, datetime_cell = table.rows[0][1]
    assert not isinstance(date_cell, str)  # a real date cell, not text
    assert v.date(date_cell) == NOV_5
    assert v.date(datetime_cell) == NOV_5


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("2019-02-29", "日期不存在"),
        ("2019年13月1日", "日期不存在"),
        ("20190230", "日期不存在"),
        ("2019-11", "日期格式"),
        ("11/05/2019", "日期格式"),
        ("昨天", "日期格式"),
        ("43774", "日期格式"),
    ],
)
def test_invalid_dates_are_rejected(cell: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        v.date(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("N", False),
        ("y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        (1.0, True),
        (0.0, False),
        ("TRUE", True),
        ("FALSE", False),
        ("true", True),
        (True, True),
        (False, False),
        ("\u3000是 ", True),
    ],
)
def test_booleans(cell: object, expected: bool) -> None:
    assert v.boolean(cell) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["有", "2", "yes please", "对"])
def test_invalid_booleans_are_rejected(cell: str) -> None:
    with pytest.raises(ValueError, match="是/否"):
        v.boolean(cell)


def test_integers_with_thousands_separators() -> None:
    parse = v.integer()
    assert parse("1,234") == 1234
    assert parse("1,234,567") == 1234567
    assert parse("12，345") == 12345  # full-width comma
    assert parse(" 42 ") == 42
    assert parse(7.0) == 7
    with pytest.raises(ValueError, match="应为整数"):
        parse("1.5")
    with pytest.raises(ValueError, match="应为整数"):
        parse("十二")
    bounded = v.integer(1, 20)
    assert bounded("20") == 20
    with pytest.raises(ValueError, match="不能大于20"):
        bounded("21")
    with pytest.raises(ValueError, match="不能小于1"):
        bounded("0")


def test_decimals_with_thousands_separators() -> None:
    parse = v.decimal(0)
    assert parse("1,234.56") == Decimal("1234.56")
    assert parse("12,345") == Decimal("12345")
    assert parse(3.5) == Decimal("3.5")
    assert parse("1.005") == Decimal("1.00")  # rounded to two places (banker's rounding)
    with pytest.raises(ValueError, match="不能小于0"):
        parse("-1")
    for bad in ("abc", "NaN", "Infinity", "1.2.3"):
        with pytest.raises(ValueError, match="应为数字"):
            parse(bad)


def test_a_huge_decimal_is_a_cell_error_not_a_crash() -> None:
    with pytest.raises(ValueError):
        v.decimal()("1e40")


@pytest.mark.parametrize("cell", ["106.156", "-180", "180", "0", "106.1234567"])
def test_longitude_in_range(cell: str) -> None:
    assert -180 <= v.longitude(cell) <= 180


@pytest.mark.parametrize("cell", ["33.329", "-90", "90"])
def test_latitude_in_range(cell: str) -> None:
    assert -90 <= v.latitude(cell) <= 90


def test_coordinates_out_of_range_are_rejected() -> None:
    with pytest.raises(ValueError, match="不能大于180"):
        v.longitude("180.5")
    with pytest.raises(ValueError, match="不能小于-180"):
        v.longitude("-181")
    with pytest.raises(ValueError, match="不能大于90"):
        v.latitude("91")
    with pytest.raises(ValueError, match="不能小于-90"):
        v.latitude("-90.1")
    with pytest.raises(ValueError, match="应为数字"):
        v.latitude("北纬33度")


def test_coordinates_keep_six_places() -> None:
    assert v.longitude("106.1234567") == Decimal("106.123457")


def test_id_number_valid_and_lower_case_x_stored_upper() -> None:
    number = make_id(1)
    assert v.id_number(number) == number
    with_x = "11010519491231002X"  # the GB 11643 example number, check digit X
    assert v.id_number(with_x.lower()) == with_x
    assert v.id_number(with_x) == with_x


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("11010519491231002", "18位"),
        ("1101051949123100211", "18位"),
        ("11010519491231002Y", "18位"),
        ("110105194912310021", "校验位"),
        ("110105194913310028", "出生日期"),
    ],
)
def test_invalid_id_numbers_are_rejected(cell: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        v.id_number(cell)


def test_id_number_stored_by_excel_as_a_number_is_rejected_clearly() -> None:
    with pytest.raises(ValueError, match="Excel存成了数字"):
        v.id_number(6.10727198001011e17)
    with pytest.raises(ValueError, match="Excel存成了数字"):
        v.id_number(610727198001010011)


@pytest.mark.parametrize(
    "cell", ["13800000000", "138 0000 0000", 13800000000.0, "0916-1234567", "09161234567"]
)
def test_valid_phone_numbers(cell: object) -> None:
    assert v.phone_number(cell)  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["1380000000", "138000000000", "23800000000", "1234567", "0916-12"])
def test_invalid_phone_numbers(cell: str) -> None:
    with pytest.raises(ValueError, match="手机号码"):
        v.phone_number(cell)


def test_multi_choice_separators_and_unknown_labels() -> None:
    parse = v.multi_choice({"甲": "a", "乙": "b", "丙": "c"})
    assert parse("甲") == ["a"]
    assert parse("甲、乙") == ["a", "b"]
    assert parse("甲,乙;丙") == ["a", "b", "c"]
    assert parse("甲，乙；丙") == ["a", "b", "c"]
    assert parse("甲 、 乙、甲") == ["a", "b"]
    with pytest.raises(ValueError, match="“丁”不是有效值"):
        parse("甲、丁")
    with pytest.raises(ValueError):
        parse("、")  # separators only: no category given


def test_choice_trims_and_rejects_unknown() -> None:
    parse = v.choice({"县": "county", "村": "village"})
    assert parse("\u3000村 ") == "village"
    with pytest.raises(ValueError, match="应为以下之一：县、村"):
        parse("省")


def test_text_trims_ordinary_and_full_width_spaces() -> None:
    assert v.text("\u3000 张三 \u3000") == "张三"
    assert v.is_empty("\u3000\u3000")
    assert v.is_empty(None)
    assert v.is_empty("  ")
    assert not v.is_empty(0.0)
    assert v.cell_text(1001.0) == "1001"  # a numeric code cell loses its '.0'
