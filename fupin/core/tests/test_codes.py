import datetime as dt

import pytest

from fupin.core import areacode, idnumber, phone
from fupin.core.text import clean_cell, pinyin_key


def test_id_number_check_digit_and_fields() -> None:
    number = idnumber.make("610727", dt.date(1980, 2, 29), 123)
    assert idnumber.id_number_error(number) is None
    assert idnumber.sex_of(number) == "男"
    assert idnumber.birth_date_of(number) == dt.date(1980, 2, 29)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert idnumber.id_number_error(wrong) == "身份证号校验位错误"


def test_id_number_rejects_bad_shape_and_dates() -> None:
    assert "18位" in (idnumber.id_number_error("61072719800101") or "")
    first17 = "61072719801301001"  # month 13
    assert idnumber.id_number_error(first17 + idnumber.check_char(first17)) == "身份证号中的出生日期无效"


def test_id_number_lower_case_x_is_accepted() -> None:
    for seq in range(1000):
        number = idnumber.make("610727", dt.date(1990, 5, 6), seq)
        if number.endswith("X"):
            assert idnumber.id_number_error(number.lower()) is None
            return
    pytest.fail("no number with X check digit generated")


def test_mask_keeps_region_and_last_four() -> None:
    assert idnumber.mask("61072719800101001X") == "610727********001X"
    assert phone.mask("13812345678") == "138****5678"


@pytest.mark.parametrize("value", ["13812345678", "0916-4821234", "09164821234"])
def test_valid_phones(value: str) -> None:
    assert phone.phone_error(value) is None


@pytest.mark.parametrize("value", ["1381234567", "23812345678", "4821234"])
def test_invalid_phones(value: str) -> None:
    assert phone.phone_error(value) is not None


@pytest.mark.parametrize(
    ("code", "level", "prefix", "parent"),
    [
        ("610000000000", areacode.PROVINCE, "61", None),
        ("610700000000", areacode.CITY, "6107", "610000000000"),
        ("610727000000", areacode.COUNTY, "610727", "610700000000"),
        ("610727100000", areacode.TOWN, "610727100", "610727000000"),
        ("610727100200", areacode.VILLAGE, "610727100200", "610727100000"),
    ],
)
def test_area_code_levels(code: str, level: str, prefix: str, parent: str | None) -> None:
    assert areacode.level_of(code) == level
    assert areacode.prefix_of(code) == prefix
    assert areacode.parent_code_of(code) == parent


def test_inside_is_a_prefix_test_as_figures_define() -> None:
    assert areacode.is_inside("610727100200", "610727000000")
    assert areacode.is_inside("610727100200", "610727100000")
    assert not areacode.is_inside("610727101200", "610727100000")
    assert areacode.is_inside("610727100200", "610727100200")
    assert not areacode.is_inside("610726100200", "610727000000")


def test_pinyin_key_has_full_v_spelling_and_initials() -> None:
    key = pinyin_key("略阳县")
    assert "lueyangxian" in key.split()
    assert "lveyangxian" in key.split()
    assert "lyx" in key.split()


def test_clean_cell_trims_full_width_spaces() -> None:
    assert clean_cell("\u3000 略阳 \u3000") == "略阳"
