"""The members ledger (家庭成员): one person one household, one head per household, scope, masking,
idempotence, round trip, and a whole folder imported in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin.conftest import County, make_id
from fupin.core import idnumber
from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.ledgers.exports import ledger_export_xlsx
from fupin.ledgers.registry import ledger_named
from fupin.ledgers.tests.helpers import (
    AREAS_HEADER,
    CADRES_HEADER,
    EVERYTHING,
    UNITS_HEADER,
    csv_bytes,
    error_cells,
    import_file,
    import_rows,
    messages,
    run_command,
    sheet_rows,
    totals,
    write_csv,
    write_xlsx,
)
from fupin.ledgers.tests.test_households import HOUSEHOLDS_HEADER, TOWN_A, household
from fupin.people.models import Cadre, Unit
from fupin.registry.models import Household, Member

MEMBERS_HEADER = [
    "户编号",
    "姓名",
    "身份证号",
    "与户主关系",
    "性别",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工时间",
]
MEMBERS_ENGLISH = [
    "household_code",
    "name",
    "id_number",
    "relation",
    "sex",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labour",
    "migrant_work",
    "months_worked",
]
HEAD1, SPOUSE1, HEAD2 = make_id(101), make_id(102, "女"), make_id(103)


def member(household_code: str, id_number: object, relation: str = "之子", **cells: object) -> list[object]:
    """One row of MEMBERS_HEADER; `cells` by Chinese column name override the defaults."""
    row: dict[str, object] = {
        "户编号": household_code,
        "姓名": "王小明",
        "身份证号": id_number,
        "与户主关系": relation,
        "性别": "",
        "民族": "",
        "文化程度": "",
        "在校生状况": "",
        "健康状况": "",
        "劳动技能": "",
        "务工状况": "",
        "务工时间": "",
    } | cells
    return [row[name] for name in MEMBERS_HEADER]


def errors_of(rows: list[list[object]], *, scope: Scope = EVERYTHING) -> list[tuple[int, str, str, str]]:
    """(row, column, value, reason) of every error the rows give."""
    outcome = import_rows("members", [MEMBERS_HEADER, *rows], scope=scope)
    return [(e.row, e.column, e.value, e.message) for e in outcome.errors]


def test_a_member_with_every_column(registry: dict[str, Household]) -> None:
    row = member(
        "H1",
        make_id(301),
        "之子",
        姓名="王小明",
        性别="男",
        民族="汉族",
        文化程度="初中",
        在校生状况="非在校生",
        健康状况="长期慢性病",
        劳动技能="技能劳动力",
        务工状况="省外务工",
        务工时间="10",
    )
    outcome = import_rows("members", [MEMBERS_HEADER, row])
    assert outcome.ok, messages(outcome)
    m = Member.objects.get(id_number=make_id(301))
    assert (m.household, m.name, m.relation, m.sex, m.ethnicity, m.education, m.schooling) == (
        registry["H1"],
        "王小明",
        "son",
        "male",
        "汉族",
        "初中",
        "非在校生",
    )
    assert (m.health, m.labour, m.migrant_work, m.months_worked) == (
        "chronic",
        "skilled",
        "out_of_province",
        10,
    )
    assert m.search_key == "wangxiaoming wxm"
    log = ChangeLog.objects.get(object_type="registry.member", object_id=m.pk)
    assert log.after is not None and log.after["身份证号"] == idnumber.mask(make_id(301))


def test_english_headers(registry: dict[str, Household]) -> None:
    outcome = import_rows("members", [MEMBERS_ENGLISH, member("H1", make_id(301), 务工时间="3")])
    assert outcome.ok, messages(outcome)
    assert Member.objects.get(id_number=make_id(301)).months_worked == 3


def test_xlsx_and_gb18030_csv(registry: dict[str, Household]) -> None:
    outcome = import_rows("members", [MEMBERS_HEADER, member("H1", make_id(301), 务工时间=6.0)], fmt="xlsx")
    assert outcome.ok, messages(outcome)
    data = csv_bytes([MEMBERS_HEADER, member("H1", make_id(302), 姓名="龘小明")], "gb18030")
    outcome = import_file("members", data, "members.csv")
    assert outcome.ok, messages(outcome)
    assert Member.objects.get(id_number=make_id(302)).name == "龘小明"
    assert Member.objects.get(id_number=make_id(301)).months_worked == 6


# -- 户编号 ---------------------------------------------------------------------------------------
def test_household_must_exist(registry: dict[str, Household]) -> None:
    assert errors_of([member("H404", make_id(301))]) == [
        (2, "户编号", "H404", "户编号不存在（数据库和已导入的贫困户台账中都没有）")
    ]
    assert not Member.objects.filter(id_number=make_id(301)).exists()


def test_household_outside_the_scope_is_refused(registry: dict[str, Household]) -> None:
    # H2 lies in 接官亭镇: a 兴州街道 official adds to H1 but not to H2.
    rows = [member("H1", make_id(301)), member("H2", make_id(302))]
    assert errors_of(rows, scope=TOWN_A) == [(3, "户编号", "H2", "该户不在您的管辖范围内")]
    assert Member.objects.count() == 3
    assert import_rows("members", [MEMBERS_HEADER, rows[0]], scope=TOWN_A).ok


# -- 身份证号 -------------------------------------------------------------------------------------
def test_invalid_id_number_is_rejected_masked(registry: dict[str, Household]) -> None:
    good = make_id(301)
    wrong = good[:17] + ("1" if good[17] == "0" else "0")
    assert errors_of([member("H1", wrong)]) == [(2, "身份证号", idnumber.mask(wrong), "身份证号校验位错误")]


def test_a_number_repeated_in_the_file_names_the_first_row_masked(registry: dict[str, Household]) -> None:
    number = make_id(301)
    rows = [member("H1", number), member("H1", make_id(302)), member("H2", number.lower())]
    outcome = import_rows("members", [MEMBERS_HEADER, *rows])
    assert [(e.row, e.column, e.value) for e in outcome.errors] == [(4, "身份证号", idnumber.mask(number))]
    assert "与第2行重复" in outcome.errors[0].message
    assert number not in messages(outcome)
    assert Member.objects.count() == 3


def test_a_member_of_another_household_is_not_moved(registry: dict[str, Household]) -> None:
    # SPOUSE1 belongs to H1; listing her under H2 names H1 and moves nobody.
    assert errors_of([member("H2", SPOUSE1, "配偶", 性别="女")]) == [
        (2, "身份证号", idnumber.mask(SPOUSE1), "已是户 H1 的成员（一人只能属于一户；请先在原户中处理）")
    ]
    assert Member.objects.get(id_number=SPOUSE1).household.code == "H1"


# -- 与户主关系, 性别 and the other lists ----------------------------------------------------------
def test_relation_off_the_list_rejected(registry: dict[str, Household]) -> None:
    [(row, column, value, message)] = errors_of([member("H1", make_id(301), "表哥")])
    assert (row, column, value) == (2, "与户主关系", "表哥")
    assert message.startswith("应为以下之一：户主、配偶、之子")


def test_every_relation_of_the_list(registry: dict[str, Household]) -> None:
    labels = [
        "配偶",
        "之子",
        "之女",
        "儿媳",
        "女婿",
        "孙子",
        "孙女",
        "外孙子女",
        "父亲",
        "母亲",
        "兄弟姐妹",
        "其他",
    ]
    rows = [member("H2", make_id(310 + i), label) for i, label in enumerate(labels)]
    outcome = import_rows("members", [MEMBERS_HEADER, *rows])
    assert outcome.ok, messages(outcome)
    assert Member.objects.filter(household__code="H2").count() == 13


@pytest.mark.parametrize(("sex", "stored"), [("男", "male"), ("", "")])
def test_sex_agreeing_with_the_id_number_or_not_given(
    registry: dict[str, Household], sex: str, stored: str
) -> None:
    assert import_rows("members", [MEMBERS_HEADER, member("H1", make_id(301, "男"), 性别=sex)]).ok
    assert Member.objects.get(id_number=make_id(301)).sex == stored


def test_a_woman_by_the_17th_digit(registry: dict[str, Household]) -> None:
    assert import_rows("members", [MEMBERS_HEADER, member("H1", make_id(301, "女"), "之女", 性别="女")]).ok


@pytest.mark.parametrize(
    ("sex", "by_number", "number"), [("女", "男", make_id(301)), ("男", "女", make_id(301, "女"))]
)
def test_sex_contradicting_the_17th_digit_rejected(
    registry: dict[str, Household], sex: str, by_number: str, number: str
) -> None:
    assert errors_of([member("H1", number, 性别=sex)]) == [
        (2, "性别", sex, f"与身份证号第17位不符（按身份证号应为{by_number}）")
    ]


def test_sex_off_the_list_rejected(registry: dict[str, Household]) -> None:
    assert [e[:3] for e in errors_of([member("H1", make_id(301), 性别="M")])] == [(2, "性别", "M")]


@pytest.mark.parametrize(
    ("column", "good", "field", "stored", "bad"),
    [
        ("健康状况", "患有大病", "health", "serious", "感冒"),
        ("劳动技能", "弱劳动力", "labour", "weak", "半劳动力"),
        ("务工状况", "县外省内务工", "migrant_work", "in_province", "国外务工"),
    ],
)
def test_list_columns(
    registry: dict[str, Household], column: str, good: str, field: str, stored: str, bad: str
) -> None:
    [(row, col, value, message)] = errors_of([member("H1", make_id(301), **{column: bad})])
    assert (row, col, value) == (2, column, bad) and message.startswith("应为以下之一：")
    assert import_rows("members", [MEMBERS_HEADER, member("H1", make_id(301), **{column: good})]).ok
    assert getattr(Member.objects.get(id_number=make_id(301)), field) == stored


@pytest.mark.parametrize("months", ["0", "12"])
def test_months_worked_bounds_accepted(registry: dict[str, Household], months: str) -> None:
    assert import_rows("members", [MEMBERS_HEADER, member("H1", make_id(301), 务工时间=months)]).ok
    assert Member.objects.get(id_number=make_id(301)).months_worked == int(months)


@pytest.mark.parametrize(
    ("months", "reason"), [("13", "不能大于12"), ("-1", "不能小于0"), ("半年", "应为整数")]
)
def test_months_worked_out_of_range_rejected(
    registry: dict[str, Household], months: str, reason: str
) -> None:
    assert errors_of([member("H1", make_id(301), 务工时间=months)]) == [(2, "务工时间", months, reason)]


# -- one head per household -------------------------------------------------------------------
def _new_household(code: str, head_id: str) -> None:
    """A household without members, headed by `head_id`."""
    outcome = import_rows("households", [HOUSEHOLDS_HEADER, household(code, head_id)])
    assert outcome.ok, messages(outcome)


def test_a_new_household_with_its_head(registry: dict[str, Household]) -> None:
    _new_household("N1", make_id(301))
    rows = [member("N1", make_id(302, "女"), "配偶"), member("N1", make_id(301), "户主")]
    outcome = import_rows("members", [MEMBERS_HEADER, *rows])
    assert outcome.ok, messages(outcome)
    assert Member.objects.get(household__code="N1", relation="head").id_number == make_id(301)


def test_a_household_left_without_a_head_is_rejected(registry: dict[str, Household]) -> None:
    _new_household("N1", make_id(301))
    rows = [member("H1", make_id(303)), member("N1", make_id(302, "女"), "配偶"), member("N1", make_id(304))]
    assert errors_of(rows) == [(3, "户编号", "N1", "户 N1 没有户主（每户须有且只有一名户主）")]
    assert not Member.objects.filter(household__code="N1").exists()


def test_two_heads_in_the_file_are_rejected(registry: dict[str, Household]) -> None:
    _new_household("N1", make_id(301))
    rows = [member("N1", make_id(301), "户主"), member("N1", make_id(302), "户主")]
    message = "户 N1 有2名户主（第2行、第3行），每户只能有一名户主"
    assert errors_of(rows) == [(2, "与户主关系", "户主", message), (3, "与户主关系", "户主", message)]


def test_a_second_head_beside_the_stored_one_is_rejected(registry: dict[str, Household]) -> None:
    assert errors_of([member("H1", make_id(301), "户主")]) == [
        (2, "与户主关系", "户主", "户 H1 有2名户主（第2行及已登记的户主），每户只能有一名户主")
    ]
    assert Member.objects.filter(household__code="H1", relation="head").get().id_number == HEAD1


def test_the_head_must_be_the_households_head_id_number(registry: dict[str, Household]) -> None:
    _new_household("N1", make_id(301))
    assert errors_of([member("N1", make_id(302), "户主")]) == [
        (
            2,
            "身份证号",
            idnumber.mask(make_id(302)),
            f"与户 N1 的户主身份证号 {idnumber.mask(make_id(301))} 不一致",
        )
    ]


def test_demoting_the_stored_head_without_a_new_one_is_rejected(registry: dict[str, Household]) -> None:
    assert errors_of([member("H1", HEAD1, "其他", 姓名="王建国")]) == [
        (2, "户编号", "H1", "户 H1 没有户主（每户须有且只有一名户主）")
    ]


def test_a_stored_head_that_is_not_the_households_is_reported(registry: dict[str, Household]) -> None:
    # The households ledger changed H1's 户主身份证号; members that keep the old head contradict it.
    Household.objects.filter(code="H1").update(head_id_number=make_id(305))
    assert errors_of([member("H1", make_id(301))]) == [
        (
            2,
            "身份证号",
            idnumber.mask(make_id(301)),
            f"已登记的户主 {idnumber.mask(HEAD1)} 与户 H1 的户主身份证号 {idnumber.mask(make_id(305))} 不一致",  # noqa: E501
        )
    ]


def test_handing_the_head_over_in_one_folder(registry: dict[str, Household], tmp_path: Path) -> None:
    """The spouse becomes head: the households file names her, the members file swaps the roles.
    The old head is demoted before the new one is written (one head per household in the database)."""
    write_csv(
        tmp_path / "households.csv",
        [HOUSEHOLDS_HEADER, household("H1", SPOUSE1, 户主姓名="张兰", 家庭人口数="2")],
    )
    write_csv(
        tmp_path / "members.csv",
        [
            MEMBERS_HEADER,
            member("H1", SPOUSE1, "户主", 姓名="张兰"),
            member("H1", HEAD1, "配偶", 姓名="王建国"),
        ],
    )
    _, err, error = run_command("import-dir", str(tmp_path))
    assert error is None, err
    heads = Member.objects.filter(household__code="H1", relation="head")
    assert [m.id_number for m in heads] == [SPOUSE1]
    assert Member.objects.get(id_number=HEAD1).relation == "spouse"


# -- the file as a whole ----------------------------------------------------------------------
def test_a_second_import_changes_nothing(registry: dict[str, Household]) -> None:
    rows = [
        MEMBERS_HEADER,
        member("H1", make_id(301), 性别="男", 务工时间="4"),
        member("H2", make_id(302, "女"), "之女"),
    ]
    assert totals(import_rows("members", rows)) == (2, 0, 0)
    logs = ChangeLog.objects.count()
    assert totals(import_rows("members", rows, fmt="xlsx")) == (0, 0, 2)
    assert ChangeLog.objects.count() == logs


def test_an_empty_optional_cell_keeps_the_stored_value(registry: dict[str, Household]) -> None:
    full = member("H1", make_id(301), 性别="男", 民族="回族", 健康状况="残疾", 务工时间="4")
    assert import_rows("members", [MEMBERS_HEADER, full]).ok
    outcome = import_rows("members", [MEMBERS_HEADER, member("H1", make_id(301), 姓名="王小强")])
    assert totals(outcome) == (0, 1, 0), messages(outcome)
    m = Member.objects.get(id_number=make_id(301))
    assert (m.name, m.search_key, m.sex, m.ethnicity, m.health, m.months_worked, m.version) == (
        "王小强",
        "wangxiaoqiang wxq",
        "male",
        "回族",
        "disabled",
        4,
        2,
    )
    log = ChangeLog.objects.get(object_type="registry.member", object_id=m.pk, action="update")
    assert log.changed_fields() == [("姓名", "王小明", "王小强")]


def test_masked_id_numbers_in_command_output_and_error_workbook(
    registry: dict[str, Household], tmp_path: Path
) -> None:
    fresh = make_id(301)
    path = write_xlsx(
        tmp_path / "members.xlsx",
        [MEMBERS_HEADER, member("H2", SPOUSE1), member("H1", fresh), member("H1", fresh, 性别="女")],
    )
    report = tmp_path / "errors.xlsx"
    out, err, error = run_command("import", "members", str(path), "--errors", str(report))
    assert error is not None and error.returncode == 1
    for number in (SPOUSE1, fresh, HEAD1):
        assert number not in out + err
        assert number not in str(sheet_rows(report))
    assert idnumber.mask(SPOUSE1) in err and idnumber.mask(fresh) in err


# -- export -----------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_reimport_changes_nothing(
    registry: dict[str, Household], tmp_path: Path, suffix: str
) -> None:
    rows = [
        MEMBERS_HEADER,
        member(
            "H1", make_id(301), 性别="男", 民族="汉族", 劳动技能="丧失劳动力", 务工状况="未务工", 务工时间="0"
        ),
        member("H2", make_id(302, "女"), "外孙子女", 在校生状况="小学"),
    ]
    assert import_rows("members", rows).ok
    changes = ChangeLog.objects.count()
    for ledger in ("households", "members"):
        out = tmp_path / f"{ledger}{suffix}"
        _, _, error = run_command("ledger", "export", ledger, str(out))
        assert error is None
        outcome = import_file(ledger, out.read_bytes(), out.name)
        assert outcome.ok, messages(outcome)
        assert not outcome.warnings
        assert totals(outcome)[:2] == (0, 0)
    assert totals(outcome)[2] == 5
    assert ChangeLog.objects.count() == changes


def test_export_in_ledger_form_masked_for_scopes_without_full_ids(registry: dict[str, Household]) -> None:
    definition = ledger_named("members")
    rows = list(definition.export_rows(EVERYTHING))
    assert [(r["household_code"], r["id_number"], r["relation"]) for r in rows] == [
        ("H1", HEAD1, "户主"),
        ("H1", SPOUSE1, "配偶"),
        ("H2", HEAD2, "户主"),
    ]
    assert rows[0]["sex"] == "男" and rows[1]["sex"] == ""
    town = list(definition.export_rows(TOWN_A))
    assert [r["id_number"] for r in town] == [idnumber.mask(HEAD1), idnumber.mask(SPOUSE1)]
    assert HEAD1.encode() not in ledger_export_xlsx(definition, TOWN_A)


# -- a whole folder in one transaction --------------------------------------------------------
def _folder(tmp_path: Path, bad_member: bool) -> Path:
    write_xlsx(
        tmp_path / "areas.xlsx",
        [
            AREAS_HEADER,
            ["610727102000", "白水江镇", "乡镇", "610727000000"],
            ["610727102200", "黄坪村", "村", "610727102000", "是"],
        ],
    )
    write_csv(
        tmp_path / "units.csv",
        [UNITS_HEADER, ["U20", "白水江镇政府", "党政机关", "", "610727102000"]],
        "gb18030",
    )
    write_csv(tmp_path / "cadres.csv", [CADRES_HEADER, ["N1", "王五", make_id(40), "", "U20", "", "镇干部"]])
    write_xlsx(
        tmp_path / "households.xlsx",
        [HOUSEHOLDS_HEADER, household("N7", make_id(307), 区划代码="610727102200")],
    )
    members = [MEMBERS_HEADER, member("N7", make_id(307), "户主", 姓名="王建国")]
    members.append(member("N7", make_id(308), 性别="女" if bad_member else ""))
    write_csv(tmp_path / "members.csv", members, "gb18030")
    return tmp_path


def test_import_dir_of_a_whole_county(county: County, tmp_path: Path) -> None:
    out, err, error = run_command("import-dir", str(_folder(tmp_path, bad_member=False)))
    assert error is None, err
    assert Household.objects.get(code="N7").village.name == "黄坪村"
    assert Member.objects.filter(household__code="N7").count() == 2
    assert Cadre.objects.get(code="N1").unit.code == "U20"
    assert "家庭成员：2 行，新增 2" in out


def test_import_dir_a_bad_member_rolls_back_everything(county: County, tmp_path: Path) -> None:
    before = (
        Household.objects.count(),
        Unit.objects.count(),
        Cadre.objects.count(),
        ChangeLog.objects.count(),
    )
    _, err, error = run_command("import-dir", str(_folder(tmp_path, bad_member=True)))
    assert error is not None and error.returncode == 1
    assert "[家庭成员] 第3行“性别”列（值：女）：与身份证号第17位不符" in err
    after = (
        Household.objects.count(),
        Unit.objects.count(),
        Cadre.objects.count(),
        ChangeLog.objects.count(),
    )
    assert after == before
    assert not Household.objects.filter(code="N7").exists()


def test_members_of_a_household_imported_earlier_in_the_same_folder(county: County, tmp_path: Path) -> None:
    _folder(tmp_path, bad_member=False)
    (tmp_path / "cadres.csv").unlink()
    (tmp_path / "units.csv").unlink()
    _, err, error = run_command("import-dir", str(tmp_path), "--dry-run")
    assert error is None, err
    assert not Household.objects.filter(code="N7").exists()  # a dry run writes nothing
    assert error_cells(import_rows("members", [MEMBERS_HEADER, member("N7", make_id(309))])) == {
        (2, "户编号")
    }
