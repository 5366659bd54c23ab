"""The areas ledger (行政区划): codes, levels, parents, 贫困村, coordinates, scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin.areas.models import Area
from fupin.conftest import County
from fupin.ledgers.tests.helpers import (
    AREAS_HEADER,
    COUNTY_ONLY,
    counts,
    error_cells,
    import_rows,
    messages,
)


def _errors(rows: list[list[str]], **kwargs: object) -> list[tuple[int, str, str, str]]:
    outcome = import_rows("areas", [AREAS_HEADER, *rows], **kwargs)  # type: ignore[arg-type]
    return [(e.row, e.column, e.value, e.message) for e in outcome.errors]


def test_a_county_with_towns_and_villages_from_scratch(db: None) -> None:
    rows = [
        AREAS_HEADER,
        # Children may come before their parents in the file.
        ["610727100200", "黄家坝村", "村", "610727100000", "是", "106.156", "33.329"],
        ["610727100000", "兴州街道", "乡镇", "610727000000", "否", "", ""],
        ["610727000000", "略阳县", "县", "", "", "", ""],
    ]
    outcome = import_rows("areas", rows)
    assert outcome.ok, messages(outcome)
    assert outcome.reports[0].result.created == 3
    village = Area.objects.get(code="610727100200")
    assert village.level == "village"
    assert village.parent.code == "610727100000"
    assert village.parent.parent.code == "610727000000"
    assert village.is_poor_village is True
    assert (village.longitude, village.latitude) == (Decimal("106.156"), Decimal("33.329"))


@pytest.mark.parametrize("code", ["61072710020", "6107271002001", "61072710020A", "610727-10020"])
def test_code_must_be_12_digits(county: County, code: str) -> None:
    assert _errors([[code, "某村", "村", "610727100000"]]) == [(2, "区划代码", code, "应为12位数字")]


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("610727100202", "乡镇", "村"),
        ("610727102000", "村", "乡镇"),
        ("610727102000", "县", "乡镇"),
        ("610728000000", "乡镇", "县"),
    ],
)
def test_level_must_match_the_code(county: County, code: str, level: str, expected: str) -> None:
    parent = "610727100000" if expected == "村" else "610727000000"
    errors = _errors([[code, "某地", level, parent]])
    assert errors == [(2, "层级", level, f"与区划代码不符：该代码是{expected}级代码")]


def test_level_must_be_one_of_the_list(county: County) -> None:
    errors = _errors([["610727100202", "某村", "社区", "610727100000"]])
    assert errors == [(2, "层级", "社区", "应为以下之一：县、乡镇、村")]


def test_towns_and_villages_need_a_parent(county: County) -> None:
    errors = _errors([["610727102000", "某镇", "乡镇", ""], ["610727100202", "某村", "村", ""]])
    assert [(r, c, m) for r, c, _, m in errors] == [
        (2, "上级区划代码", "乡镇和村必须填写上级区划代码"),
        (3, "上级区划代码", "乡镇和村必须填写上级区划代码"),
    ]


@pytest.mark.parametrize(
    "parent",
    [
        "610727000000",  # the county: skips a level
        "610727101000",  # a town, but not the one the code says
        "610726100000",  # another county's town
    ],
)
def test_parent_must_be_next_level_up_and_prefix_consistent(county: County, parent: str) -> None:
    errors = _errors([["610727100202", "某村", "村", parent]])
    assert errors == [(2, "上级区划代码", parent, "应为上一级且与区划代码前缀一致：610727100000")]


def test_a_town_under_its_county(county: County) -> None:
    errors = _errors([["610727102000", "某镇", "乡镇", "610727100000"]])
    assert errors == [(2, "上级区划代码", "610727100000", "应为上一级且与区划代码前缀一致：610727000000")]


def test_parent_must_exist_in_the_database_or_the_file(county: County) -> None:
    errors = _errors([["610727102200", "某村", "村", "610727102000"]])
    assert errors == [(2, "上级区划代码", "610727102000", "上级区划不存在（数据库和本文件中都没有）")]
    rows = [["610727102200", "某村", "村", "610727102000"], ["610727102000", "某镇", "乡镇", "610727000000"]]
    outcome = import_rows("areas", [AREAS_HEADER, *rows])
    assert outcome.ok, messages(outcome)
    assert Area.objects.get(code="610727102200").parent.code == "610727102000"


@pytest.mark.parametrize("flag", ["是", "Y", "y", "1", "TRUE", "true"])
def test_poor_village_true_forms(county: County, flag: str) -> None:
    outcome = import_rows("areas", [AREAS_HEADER, ["610727100202", "某村", "村", "610727100000", flag]])
    assert outcome.ok, messages(outcome)
    assert Area.objects.get(code="610727100202").is_poor_village is True


@pytest.mark.parametrize("flag", ["否", "N", "n", "0", "FALSE", "false"])
def test_poor_village_false_forms(county: County, flag: str) -> None:
    # 黄家坝村 is a poor village; the file says it no longer is.
    outcome = import_rows("areas", [AREAS_HEADER, ["610727100200", "黄家坝村", "村", "610727100000", flag]])
    assert outcome.ok, messages(outcome)
    assert outcome.reports[0].result.updated == 1
    assert Area.objects.get(code="610727100200").is_poor_village is False


def test_poor_village_boolean_cells_of_a_workbook(county: County) -> None:
    rows = [
        AREAS_HEADER,
        ["610727100202", "甲村", "村", "610727100000", True],
        ["610727100203", "乙村", "村", "610727100000", False],
    ]
    outcome = import_rows("areas", rows, fmt="xlsx")
    assert outcome.ok, messages(outcome)
    poor = dict(
        Area.objects.filter(code__in=["610727100202", "610727100203"]).values_list("code", "is_poor_village")
    )
    assert poor == {"610727100202": True, "610727100203": False}


def test_poor_village_must_be_a_boolean(county: County) -> None:
    errors = _errors([["610727100202", "某村", "村", "610727100000", "贫困"]])
    assert errors == [(2, "贫困村", "贫困", "应为 是/否、Y/N、1/0 或 TRUE/FALSE")]


def test_only_villages_can_be_poor(county: County) -> None:
    errors = _errors(
        [
            ["610727102000", "某镇", "乡镇", "610727000000", "是"],
            ["610725000000", "某县", "县", "", "Y"],
            ["610727103000", "又一镇", "乡镇", "610727000000", "否"],  # 否 is fine anywhere
        ]
    )
    assert [(r, c, m) for r, c, _, m in errors] == [
        (2, "贫困村", "只有村可以是贫困村"),
        (3, "贫困村", "只有村可以是贫困村"),
    ]


def test_coordinates_must_be_in_range(county: County) -> None:
    errors = _errors(
        [
            ["610727100202", "甲村", "村", "610727100000", "", "181", "33"],
            ["610727100203", "乙村", "村", "610727100000", "", "106", "-91"],
            ["610727100204", "丙村", "村", "610727100000", "", "东经106", "33"],
            ["610727100205", "丁村", "村", "610727100000", "", "-180", "90"],
        ]
    )
    assert [(r, c, m) for r, c, _, m in errors] == [
        (2, "经度", "不能大于180"),
        (3, "纬度", "不能小于-90"),
        (4, "经度", "应为数字"),
    ]


def test_a_code_repeated_in_the_file_names_both_rows(county: County) -> None:
    before = counts()
    outcome = import_rows(
        "areas",
        [
            AREAS_HEADER,
            ["610727100202", "甲村", "村", "610727100000"],
            ["610727100203", "乙村", "村", "610727100000"],
            ["610727100202", "甲村二", "村", "610727100000"],
        ],
    )
    assert [(e.row, e.column, e.value) for e in outcome.errors] == [(4, "区划代码", "610727100202")]
    assert "与第2行重复" in outcome.errors[0].message
    assert counts() == before


def test_scope_rejects_areas_of_another_county(county: County) -> None:
    before = counts()
    outcome = import_rows(
        "areas",
        [
            AREAS_HEADER,
            ["610727000000", "略阳县", "县", "", ""],  # the scope's own county may be listed
            ["610727102000", "白水江镇", "乡镇", "610727000000", ""],
            ["610726000000", "宁强县", "县", "", ""],
            ["610726100000", "汉源街道", "乡镇", "610726000000", ""],
        ],
        scope=COUNTY_ONLY,
    )
    assert error_cells(outcome) == {(4, "区划代码"), (5, "区划代码")}
    assert all(e.message == "不在您的管辖范围内" for e in outcome.errors)
    assert counts() == before
    # Without the foreign rows the same scope imports fine.
    outcome = import_rows(
        "areas",
        [AREAS_HEADER, ["610727102000", "白水江镇", "乡镇", "610727000000", ""]],
        scope=COUNTY_ONLY,
    )
    assert outcome.ok, messages(outcome)
    assert Area.objects.filter(code="610727102000").exists()


def test_a_child_of_a_rejected_row_gets_no_false_missing_parent_error(county: County) -> None:
    errors = _errors(
        [
            ["610727102000", "某镇", "乡镇", "610727000000", "是"],  # its own error
            ["610727102200", "某村", "村", "610727102000"],  # the parent is in the file
        ]
    )
    assert [(r, c) for r, c, _, _ in errors] == [(2, "贫困村")]
