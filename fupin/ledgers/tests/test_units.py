"""The units ledger (单位): kinds, parent and area references, cycles, scope."""

from __future__ import annotations

import pytest

from fupin.conftest import County
from fupin.ledgers.tests.helpers import (
    COUNTY_ONLY,
    UNITS_HEADER,
    counts,
    error_cells,
    import_rows,
    messages,
)
from fupin.people.models import Unit

KINDS = ["党政机关", "行业部门", "事业单位", "国有企业", "民营企业", "社会组织", "其他"]


def test_every_kind_of_the_list_is_accepted(county: County) -> None:
    rows = [[f"K{i}", f"单位{i}", kind, "", "610727000000"] for i, kind in enumerate(KINDS)]
    outcome = import_rows("units", [UNITS_HEADER, *rows])
    assert outcome.ok, messages(outcome)
    stored = dict(Unit.objects.filter(code__startswith="K").values_list("code", "kind"))
    assert stored == {
        "K0": "party_gov",
        "K1": "sector_dept",
        "K2": "institution",
        "K3": "state_ent",
        "K4": "private_ent",
        "K5": "social_org",
        "K6": "other",
    }


@pytest.mark.parametrize("kind", ["政府", "sector_dept", "行业部门2"])
def test_kind_outside_the_list_is_rejected(county: County, kind: str) -> None:
    outcome = import_rows("units", [UNITS_HEADER, ["U20", "某单位", kind, "", ""]])
    assert [(e.row, e.column, e.value) for e in outcome.errors] == [(2, "单位类型", kind)]
    assert outcome.errors[0].message.startswith("应为以下之一：党政机关、行业部门")


def test_parent_may_be_in_the_database_or_later_in_the_file(county: County) -> None:
    rows = [
        UNITS_HEADER,
        ["U22", "农技站分站", "事业单位", "U21", ""],  # child before its parent
        ["U21", "县水利局", "行业部门", "", "610727000000"],
        ["U23", "农业执法大队", "事业单位", "U2", ""],  # parent in the database
    ]
    outcome = import_rows("units", rows)
    assert outcome.ok, messages(outcome)
    units = {u.code: u for u in Unit.objects.select_related("parent", "area")}
    assert units["U22"].parent == units["U21"]
    assert units["U23"].parent == county.agriculture
    # Without 所在区划 a unit takes its parent's area.
    assert units["U22"].area == county.county


def test_unknown_parent_and_area_codes_are_rejected(county: County) -> None:
    before = counts()
    rows = [
        UNITS_HEADER,
        ["U20", "甲单位", "行业部门", "U99", ""],
        ["U21", "乙单位", "行业部门", "", "610727199000"],
        ["U22", "丙单位", "行业部门", "", "6107271"],
    ]
    outcome = import_rows("units", rows)
    assert [(e.row, e.column, e.value, e.message) for e in outcome.errors] == [
        (2, "上级单位编码", "U99", "上级单位不存在"),
        (3, "所在区划代码", "610727199000", "区划代码不存在"),
        (4, "所在区划代码", "6107271", "应为12位数字"),
    ]
    assert counts() == before


def test_a_unit_cannot_be_its_own_parent(county: County) -> None:
    outcome = import_rows("units", [UNITS_HEADER, ["U20", "甲单位", "行业部门", "U20", ""]])
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (2, "上级单位编码", "上级单位不能是自己")
    ]


def test_a_cycle_within_the_file_is_rejected(county: County) -> None:
    before = counts()
    rows = [
        UNITS_HEADER,
        ["U20", "甲单位", "行业部门", "U22", ""],
        ["U21", "乙单位", "行业部门", "U20", ""],
        ["U22", "丙单位", "行业部门", "U21", ""],
        ["U23", "丁单位", "行业部门", "U1", ""],
    ]
    outcome = import_rows("units", rows)
    assert error_cells(outcome) == {(2, "上级单位编码"), (3, "上级单位编码"), (4, "上级单位编码")}
    assert all(e.message == "上级单位关系形成了循环" for e in outcome.errors)
    assert counts() == before


def test_a_cycle_through_stored_units_is_rejected(county: County) -> None:
    # U3's stored parent is U2; making U2 a child of U3 closes a loop.
    before = counts()
    outcome = import_rows("units", [UNITS_HEADER, ["U2", "县农业农村局", "行业部门", "U3", "610727000000"]])
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (2, "上级单位编码", "上级单位关系形成了循环")
    ]
    assert counts() == before
    assert Unit.objects.get(code="U2").parent is None


def test_reparenting_without_a_cycle_is_fine(county: County) -> None:
    rows = [UNITS_HEADER, ["U3", "县农技推广站", "事业单位", "U1", "610727000000"]]
    outcome = import_rows("units", rows)
    assert outcome.ok, messages(outcome)
    assert Unit.objects.get(code="U3").parent == county.office_unit


def test_existing_unit_is_updated(county: County) -> None:
    outcome = import_rows("units", [UNITS_HEADER, ["U1", "县乡村振兴局", "党政机关", "", "610727000000"]])
    assert outcome.ok, messages(outcome)
    assert (outcome.reports[0].result.created, outcome.reports[0].result.updated) == (0, 1)
    unit = Unit.objects.get(code="U1")
    assert (unit.name, unit.kind) == ("县乡村振兴局", "party_gov")


def test_scope_rejects_area_codes_of_another_county(county: County) -> None:
    before = counts()
    rows = [
        UNITS_HEADER,
        ["U20", "甲单位", "行业部门", "", "610727000000"],
        ["U21", "乙单位", "行业部门", "", "610726000000"],
    ]
    outcome = import_rows("units", rows, scope=COUNTY_ONLY)
    assert [(e.row, e.column, e.value, e.message) for e in outcome.errors] == [
        (3, "所在区划代码", "610726000000", "不在您的管辖范围内")
    ]
    assert counts() == before


def test_scope_rejects_changes_to_another_countys_unit(county: County) -> None:
    # U9 belongs to 宁强县 (610726); an import scoped to 略阳县 may not rename or move it.
    before = counts()
    outcome = import_rows("units", [UNITS_HEADER, ["U9", "改名了", "行业部门", "", ""]], scope=COUNTY_ONLY)
    assert not outcome.ok
    assert error_cells(outcome) == {(2, "单位编码")}
    assert counts() == before
    assert Unit.objects.get(code="U9").name == "宁强县扶贫局"


def test_a_child_of_a_rejected_row_gets_no_false_missing_parent_error(county: County) -> None:
    rows = [UNITS_HEADER, ["U20", "甲单位", "宇宙部门", "", ""], ["U21", "乙单位", "其他", "U20", ""]]
    outcome = import_rows("units", rows)
    assert error_cells(outcome) == {(2, "单位类型")}
