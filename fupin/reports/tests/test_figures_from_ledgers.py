"""Figures of a ledger set written by hand and imported with `fupin import-dir`, against hand counts.

The set: a county with two towns and three villages (two poor), nine households of every status,
their members, and assignments that are active, ended or not yet started on the as-of date.
"""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from fupin.conftest import make_id

AS_OF_MONTH = "2019-11"


def write(directory: Path, name: str, rows: list[list[str]]) -> None:
    with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def household(
    code: str, village: str, status: str, size: int, seq: int, registered: str = "2015"
) -> list[str]:
    exit_year = "2018" if status == "已脱贫" else ""
    return [
        code,
        village,
        f"户主{code}",
        make_id(seq),
        str(size),
        "国家标准",
        "一般贫困户",
        "因病",
        status,
        registered,
        exit_year,
    ]


def members(code: str, size: int, seq: int) -> list[list[str]]:
    rows = [[code, f"户主{code}", make_id(seq), "户主"]]
    rows += [[code, f"成员{code}{n}", make_id(200 + seq * 8 + n), "之子"] for n in range(1, size)]
    return rows


@pytest.fixture
def ledger_dir(tmp_path: Path) -> Path:
    write(
        tmp_path,
        "areas",
        [
            ["区划代码", "名称", "层级", "上级区划代码", "贫困村"],
            ["610727000000", "略阳县", "县", "", ""],
            ["610727100000", "兴州街道", "乡镇", "610727000000", ""],
            ["610727101000", "接官亭镇", "乡镇", "610727000000", ""],
            ["610727100200", "黄家坝村", "村", "610727100000", "是"],
            ["610727100201", "石门沟村", "村", "610727100000", "否"],
            ["610727101200", "青岗坪村", "村", "610727101000", "是"],
        ],
    )
    write(
        tmp_path,
        "units",
        [
            ["单位编码", "单位名称", "单位类型", "所在区划代码"],
            ["U1", "县扶贫开发局", "行业部门", "610727000000"],
            ["U2", "县农业农村局", "行业部门", "610727000000"],
            ["U3", "接官亭镇人民政府", "党政机关", "610727101000"],
        ],
    )
    write(
        tmp_path,
        "cadres",
        [
            ["干部编号", "姓名", "身份证号", "单位编码", "干部类别"],
            ["G1", "赵县长", make_id(1), "U1", "县级领导"],
            ["G2", "钱主任", make_id(2), "U1", "帮扶干部"],
            ["G3", "孙科员", make_id(3), "U2", "帮扶干部"],
            ["G4", "李技术员", make_id(4), "U2", "帮扶干部、驻村工作队员"],
            ["G5", "周镇长", make_id(5), "U3", "镇干部、帮扶干部"],
            ["G7", "郑书记", make_id(7), "U2", "第一书记"],
            ["G8", "吴书记", make_id(8), "U1", "第一书记"],
        ],
    )
    header = [
        "户编号",
        "区划代码",
        "户主姓名",
        "户主身份证号",
        "家庭人口数",
        "识别标准",
        "贫困户属性",
        "主要致贫原因",
        "脱贫属性",
        "识别年度",
        "脱贫年度",
    ]
    plan = [
        ("H1", "610727100200", "未脱贫", 3),
        ("H2", "610727100200", "已脱贫", 2),
        ("H3", "610727100200", "返贫", 4),
        ("H4", "610727100201", "注销", 1),
        ("H5", "610727101200", "未脱贫", 2),
        ("H7", "610727101200", "未脱贫", 1),
        ("H8", "610727100201", "已脱贫", 2),
    ]
    households = [
        household(code, village, status, size, 20 + n) for n, (code, village, status, size) in enumerate(plan)
    ]
    households.append(household("H6", "610727101200", "未脱贫", 5, 28, registered="2020"))  # registered later
    write(tmp_path, "households", [header, *households])
    member_rows = [["户编号", "姓名", "身份证号", "与户主关系"]]
    for n, (code, _village, _status, size) in enumerate(plan):
        member_rows += members(code, size, 20 + n)
    member_rows += members("H6", 5, 28)
    write(tmp_path, "members", member_rows)
    write(
        tmp_path,
        "pairings",
        [
            ["干部编号", "户编号", "开始日期", "结束日期"],
            ["G3", "H1", "2019-01-01", ""],
            ["G4", "H3", "2019-01-01", "2019-10-31"],  # ended before as_of
            ["G4", "H5", "2019-12-01", ""],  # starts after as_of
            ["G3", "H2", "2019-01-01", ""],  # exited: counts for paired cadres
            ["G2", "H4", "2018-01-01", "2019-06-30"],  # cancelled household
            ["G5", "H8", "2019-01-01", ""],
            ["G5", "H6", "2019-01-01", ""],  # registered 2020: not counted in 2019
            ["G2", "H7", "2019-11-30", ""],  # starts on as_of itself
        ],
    )
    write(
        tmp_path,
        "work-teams",
        [
            ["区划代码", "干部编号", "队内职务", "派出单位编码", "开始日期", "结束日期"],
            ["610727100200", "G7", "第一书记", "U2", "2018-01-01", ""],
            ["610727101200", "G4", "队员", "U2", "2018-01-01", ""],
            ["610727101200", "G8", "第一书记", "U1", "2018-01-01", "2019-11-29"],  # ended the day before
        ],
    )
    write(
        tmp_path,
        "unit-villages",
        [
            ["单位编码", "区划代码", "开始日期", "结束日期"],
            ["U1", "610727100200", "2018-01-01", ""],
            ["U1", "610727100201", "2018-01-01", ""],
            ["U2", "610727101200", "2018-01-01", "2019-06-30"],
            ["U3", "610727101200", "2019-12-01", ""],
        ],
    )
    write(
        tmp_path,
        "leader-towns",
        [
            ["干部编号", "区划代码", "牵头部门单位编码", "开始日期", "结束日期"],
            ["G1", "610727100000", "U1", "2018-01-01", ""],
        ],
    )
    return tmp_path


def figures(area: str, month: str) -> dict[str, dict[str, int]]:
    out = StringIO()
    call_command("figures", "--area", area, "--month", month, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_hand_built_ledgers_give_hand_counted_figures(ledger_dir: Path) -> None:
    call_command("import-dir", str(ledger_dir), stdout=StringIO(), stderr=StringIO())
    county = figures("610727000000", AS_OF_MONTH)
    # Counted: H1, H2, H3, H5, H7, H8 (H4 cancelled, H6 registered in 2020).
    assert county["registry"] == {
        "households": 6,
        "people": 3 + 2 + 4 + 2 + 1 + 2,
        "poor_households": 4,  # H1, H3, H5, H7
        "exited_households": 2,  # H2, H8
        "relapsed_households": 1,
        "poor_villages": 2,
    }
    assert county["duty"] == {
        "paired_cadres": 3,  # G3 (H1, H2), G5 (H8), G2 (H7 from 30 Nov)
        "poor_households_paired": 2,  # H1, H7
        "poor_households_unpaired": 2,  # H3 (ended 31 Oct), H5 (from 1 Dec)
        "aid_units": 1,  # U1; U2 ended, U3 starts in December
        "villages_with_first_secretary": 1,  # 黄家坝村; 青岗坪村's ended on 29 Nov
        "work_team_members": 2,  # G7, G4
    }
    town_b = figures("610727101000", AS_OF_MONTH)
    assert (town_b["registry"]["households"], town_b["registry"]["poor_households"]) == (2, 2)
    assert town_b["duty"]["poor_households_unpaired"] == 1  # H5
    december = figures("610727000000", "2019-12")
    assert december["duty"]["poor_households_unpaired"] == 1  # H5 paired from 1 Dec; H3 still not
    assert december["duty"]["aid_units"] == 2
    assert december["registry"]["households"] == 6  # H6 still registered only in 2020
