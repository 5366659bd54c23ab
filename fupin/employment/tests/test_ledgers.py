"""The employment ledgers: a good file imports and imports again unchanged; every bad cell,
missing reference and out-of-area row is reported with its row and column, and nothing is written.
The exports import back unchanged."""

from __future__ import annotations

from typing import Any

from fupin.core.scope import Scope
from fupin.employment.models import (
    CommunityFactory,
    FactoryWorker,
    JobPosting,
    Laborer,
    SkillTraining,
    Trainee,
    TransferEmployment,
    WelfarePost,
)
from fupin.employment.tests.conftest import Emp
from fupin.ledgers.exports import ledger_export_csv
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import error_cells, import_file, import_rows, messages, totals
from fupin.registry.tests.conftest import person_id

A1, B1, TOWN_A, COUNTY = "610727100200", "610727101200", "610727100000", "610727000000"
TOWN_A_SCOPE = Scope(role="town_official", area_prefixes=("610727100",), root_area_code=TOWN_A)


def table(ledger: str, *rows: dict[str, Any]) -> list[list[Any]]:
    header = [column.zh for column in LEDGERS[ledger].columns]
    return [header, *[[row.get(h, "") for h in header] for row in rows]]


def ids(emp: Emp) -> dict[str, str]:
    """h1 head (A1, poor), h2 head (A1, not registered), h3 head (A2, exited), h4 head (B1, poor)."""
    return {name: getattr(emp, name).head_id_number for name in ("h1", "h2", "h3", "h4")}


def assert_round_trip(ledger: str) -> None:
    data = ledger_export_csv(LEDGERS[ledger], Scope(role="superuser", area_prefixes=None))
    outcome = import_file(ledger, data, f"{ledger}.csv")
    assert outcome.ok, messages(outcome)
    created, updated, _ = totals(outcome)
    assert (created, updated) == (0, 0)


# -- laborers -----------------------------------------------------------------------------------
def test_laborers_update_by_id_number_and_round_trip(emp: Emp) -> None:
    i = ids(emp)
    good = table(
        "laborers",
        {
            "身份证号": i["h1"],
            "技能": "建筑、电工",
            "就业状态": "未就业",
            "意愿地点": "省内",
            "可到岗日期": "2019/12/1",
        },
        {"身份证号": i["h4"], "姓名": "张三", "联系电话": "13800001111", "意愿工种": "缝纫"},
    )
    outcome = import_rows("laborers", good)
    assert outcome.ok, messages(outcome)
    assert totals(outcome) == (0, 2, 0)
    head = Laborer.objects.get(id_number=i["h1"])
    assert head.skills == ["construction", "electrician"] and head.wish_reach == "province"
    assert head.phone == "13912345678"  # an empty cell keeps what is stored
    assert totals(import_rows("laborers", good)) == (0, 0, 2)
    assert_round_trip("laborers")


def test_laborers_rejections(emp: Emp) -> None:
    i = ids(emp)
    before = list(Laborer.objects.values_list("id_number", "version"))
    bad = table(
        "laborers",
        {"身份证号": i["h1"], "技能": "飞行"},  # 2: unknown skill
        {"身份证号": person_id(900)},  # 3: the father has no labour capacity
        {"身份证号": i["h3"], "姓名": "别人"},  # 4: name disagrees
        {"身份证号": i["h4"], "联系电话": "12345"},  # 5: bad phone
        {"身份证号": i["h4"], "就业状态": "退休"},  # 6: bad status (and a repeated key)
        {"身份证号": "610727198001010011"},  # 7: bad check digit
    )
    outcome = import_rows("laborers", bad)
    assert not outcome.ok
    assert {
        (2, "技能"),
        (3, "身份证号"),
        (4, "姓名"),
        (5, "联系电话"),
        (6, "就业状态"),
        (7, "身份证号"),
    } <= error_cells(outcome)
    assert "不是有劳动能力的家庭成员" in messages(outcome)
    assert list(Laborer.objects.values_list("id_number", "version")) == before
    outside = import_rows(
        "laborers", table("laborers", {"身份证号": i["h4"], "备注": "x"}), scope=TOWN_A_SCOPE
    )
    assert error_cells(outside) == {(2, "身份证号")} and "不在您的管辖范围内" in messages(outside)


# -- job postings -----------------------------------------------------------------------------------
POSTING = {
    "岗位编号": "ZP1",
    "用工单位": "某建筑公司",
    "岗位名称": "钢筋工",
    "工种": "建筑",
    "工作地域": "县内",
    "区划代码": A1,
    "月工资": "3,500",
    "招聘人数": "3",
    "开始日期": "2019-11-01",
}


def test_job_postings_import_and_round_trip(emp: Emp) -> None:
    rows = table(
        "job-postings", POSTING, POSTING | {"岗位编号": "ZP2", "工作地域": "省外", "区划代码": COUNTY}
    )
    outcome = import_rows("job-postings", rows, fmt="xlsx")
    assert outcome.ok, messages(outcome)
    assert JobPosting.objects.get(code="ZP1").area_code == A1
    assert_round_trip("job-postings")


def test_job_postings_rejections(emp: Emp) -> None:
    rows = table(
        "job-postings",
        POSTING | {"月工资": "-1"},  # 2
        POSTING | {"岗位编号": "ZP2", "区划代码": "610727999999"},  # 3: no such area
        POSTING | {"岗位编号": "ZP3", "截止日期": "2019-10-01"},  # 4: ends before it starts
        POSTING | {"岗位编号": "ZP4", "工作地域": "省外"},  # 5: an outside job must name the county
        POSTING | {"岗位编号": "ZP5", "最低年龄": "50", "最高年龄": "40"},  # 6
        POSTING | {"岗位编号": "ZP6", "工种": "宇航员"},  # 7
        POSTING | {"岗位编号": "ZP1"},  # 8: repeated key
        POSTING | {"岗位编号": "ZP7", "区划代码": B1},  # 9: outside town A
    )
    outcome = import_rows("job-postings", rows, scope=TOWN_A_SCOPE)
    assert {
        (2, "月工资"),
        (3, "区划代码"),
        (4, "截止日期"),
        (5, "区划代码"),
        (6, "最高年龄"),
        (7, "工种"),
        (8, "岗位编号"),
        (9, "区划代码"),
    } <= error_cells(outcome)
    assert not JobPosting.objects.exists()
    missing = import_rows("job-postings", [["岗位编号", "用工单位"], ["ZP1", "某公司"]])
    assert "缺少必填列“岗位名称”" in messages(missing)


# -- skills trainings --------------------------------------------------------------------------------
def trainee_row(id_number: str, **cells: str) -> dict[str, str]:
    base = {
        "培训编号": "PX1",
        "培训名称": "缝纫工培训",
        "培训工种": "缝纫",
        "区划代码": TOWN_A,
        "开始日期": "2019-09-01",
        "结束日期": "2019-09-10",
        "身份证号": id_number,
        "取得证书": "是",
    }
    return base | cells


def test_skills_trainings_import_person_times_and_skills(emp: Emp) -> None:
    i = ids(emp)
    outcome = import_rows(
        "skills-trainings",
        table("skills-trainings", trainee_row(i["h1"]), trainee_row(i["h3"], 取得证书="否")),
    )
    assert outcome.ok, messages(outcome)
    assert SkillTraining.objects.count() == 1 and Trainee.objects.count() == 2
    assert Laborer.objects.get(id_number=i["h1"]).skills == ["sewing"]
    assert Laborer.objects.get(id_number=i["h3"]).skills == []
    assert_round_trip("skills-trainings")


def test_skills_trainings_rejections(emp: Emp) -> None:
    i = ids(emp)
    rows = table(
        "skills-trainings",
        trainee_row(i["h1"]),
        trainee_row(i["h3"], 培训工种="建筑"),  # 3: disagrees with row 2's session
        trainee_row(person_id(900), 培训编号="PX2"),  # 4: not a laborer
        trainee_row(i["h1"], 培训编号="PX3", 结束日期="2019-08-01"),  # 5
        trainee_row(i["h4"], 培训编号="PX4"),  # 6: trainee outside town A
        trainee_row(i["h1"], 培训编号="PX5", 区划代码=B1),  # 7: held outside town A
    )
    outcome = import_rows("skills-trainings", rows, scope=TOWN_A_SCOPE)
    assert {
        (3, "培训工种"),
        (4, "身份证号"),
        (5, "结束日期"),
        (6, "身份证号"),
        (7, "区划代码"),
    } <= error_cells(outcome)
    assert "与第2行同一培训编号的内容不一致" in messages(outcome)
    assert not SkillTraining.objects.exists() and not Trainee.objects.exists()


# -- welfare jobs --------------------------------------------------------------------------------------
def post_row(code: str, holder: str, **cells: str) -> dict[str, str]:
    base = {
        "岗位编号": code,
        "区划代码": A1,
        "岗位类型": "保洁",
        "在岗人员身份证号": holder,
        "月工资": "500",
        "资金来源": "光伏收益",
        "开始日期": "2019-01-01",
    }
    return base | cells


def test_welfare_jobs_import_and_round_trip(emp: Emp) -> None:
    i = ids(emp)
    outcome = import_rows(
        "welfare-jobs", table("welfare-jobs", post_row("GY1", i["h1"]), post_row("GY2", ""))
    )
    assert outcome.ok, messages(outcome)
    assert WelfarePost.objects.get(code="GY1").holder == Laborer.objects.get(id_number=i["h1"])
    assert Laborer.objects.get(id_number=i["h1"]).status == "welfare_job"
    assert_round_trip("welfare-jobs")


def test_welfare_jobs_rejections(emp: Emp) -> None:
    i = ids(emp)
    rows = table(
        "welfare-jobs",
        post_row("GY1", i["h2"]),  # 2: not a registered household
        post_row("GY2", i["h3"]),  # 3: another village's laborer
        post_row("GY3", i["h1"], 区划代码=TOWN_A),  # 4: not a village
        post_row("GY4", i["h1"], 资金来源="彩票"),  # 5
        post_row("GY5", i["h1"]),  # 6 and 7: one holder, two current posts
        post_row("GY6", i["h1"], 岗位类型="道路养护"),
        post_row("GY7", person_id(900)),  # 8: not a laborer
        post_row("GY8", i["h4"], 区划代码=B1),  # 9: outside town A
    )
    outcome = import_rows("welfare-jobs", rows, scope=TOWN_A_SCOPE)
    assert {
        (2, "在岗人员身份证号"),
        (3, "在岗人员身份证号"),
        (4, "区划代码"),
        (5, "资金来源"),
        (6, "在岗人员身份证号"),
        (7, "在岗人员身份证号"),
        (8, "在岗人员身份证号"),
        (9, "区划代码"),
    } <= error_cells(outcome)
    assert "已在其他公益岗位在岗" in messages(outcome)
    assert not WelfarePost.objects.exists()


# -- community factories -------------------------------------------------------------------------------
def factory_row(**cells: str) -> dict[str, str]:
    base = {"工厂编号": "SQ1", "工厂名称": "毛绒玩具社区工厂", "区划代码": TOWN_A, "主营产品": "毛绒玩具"}
    return base | cells


def test_community_factories_import_and_round_trip(emp: Emp) -> None:
    i = ids(emp)
    rows = table(
        "community-factories",
        factory_row(身份证号=i["h1"], 入职日期="2019-03-01", 月工资="2200"),
        factory_row(身份证号=i["h3"], 入职日期="2019-04-01"),
        factory_row(工厂编号="SQ2", 工厂名称="服装社区工厂", 区划代码=B1),
    )
    outcome = import_rows("community-factories", rows)
    assert outcome.ok, messages(outcome)
    assert CommunityFactory.objects.count() == 2 and FactoryWorker.objects.count() == 2
    assert_round_trip("community-factories")


def test_community_factories_rejections(emp: Emp) -> None:
    i = ids(emp)
    rows = table(
        "community-factories",
        factory_row(身份证号=i["h1"]),  # 2: no start date
        factory_row(入职日期="2019-03-01"),  # 3: start date without a worker
        factory_row(
            工厂名称="另一个名字", 身份证号=i["h3"], 入职日期="2019-03-01"
        ),  # 4: disagrees with row 2
        factory_row(工厂编号="SQ2", 身份证号=i["h1"], 入职日期="2019-05-01", 离职日期="2019-04-01"),  # 5
        factory_row(工厂编号="SQ3", 区划代码=B1),  # 6: outside town A
        factory_row(工厂编号="SQ4", 身份证号=person_id(900), 入职日期="2019-03-01"),  # 7
    )
    outcome = import_rows("community-factories", rows, scope=TOWN_A_SCOPE)
    assert {
        (2, "入职日期"),
        (3, "身份证号"),
        (5, "离职日期"),
        (6, "区划代码"),
        (7, "身份证号"),
    } <= error_cells(outcome)
    assert "与第" in messages(outcome) and "同一工厂编号的内容不一致" in messages(outcome)
    assert not CommunityFactory.objects.exists()


# -- transfer employment ----------------------------------------------------------------------------------
def transfer_row(id_number: str, **cells: str) -> dict[str, str]:
    base = {"身份证号": id_number, "年度": "2019", "务工地域": "省外", "务工月数": "10", "务工收入": "36000"}
    return base | cells


def test_transfer_employment_import_and_round_trip(emp: Emp) -> None:
    i = ids(emp)
    outcome = import_rows(
        "transfer-employment",
        table("transfer-employment", transfer_row(i["h1"]), transfer_row(i["h1"], 年度="2018")),
    )
    assert outcome.ok, messages(outcome)
    assert TransferEmployment.objects.count() == 2
    assert_round_trip("transfer-employment")


def test_transfer_employment_rejections(emp: Emp) -> None:
    i = ids(emp)
    rows = table(
        "transfer-employment",
        transfer_row(i["h1"], 务工月数="13"),  # 2
        transfer_row(i["h3"], 务工收入="-5"),  # 3
        transfer_row(i["h3"], 务工地域="火星", 年度="2018"),  # 4
        transfer_row(person_id(900)),  # 5: not a laborer
        transfer_row(i["h4"]),  # 6: outside town A
        transfer_row(i["h1"], 年度="2012"),  # 7
        transfer_row(i["h1"], 务工月数="13"),  # 8: repeated key
    )
    outcome = import_rows("transfer-employment", rows, scope=TOWN_A_SCOPE)
    assert {
        (2, "务工月数"),
        (3, "务工收入"),
        (4, "务工地域"),
        (5, "身份证号"),
        (6, "身份证号"),
        (7, "年度"),
    } <= error_cells(outcome)
    assert not TransferEmployment.objects.exists()
