"""Business entities and benefit links (利益联结): the three ledgers with their rejections, the
pages by persona and the linkage figures."""

from __future__ import annotations

import pytest

from fupin.areas.models import Area
from fupin.industry.models import BenefitLink, BusinessEntity, LinkIncome
from fupin.industry.tests.conftest import Solar
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import COUNTY_ONLY, error_cells, import_rows, messages
from fupin.registry.models import Household, PovertyStatus
from fupin.reports.figures import figures_document

pytestmark = pytest.mark.django_db
ENTITIES = ["主体编码", "主体名称", "主体类型", "所在区划代码", "主导产业编码", "成立日期"]
LINKS = ["主体编码", "户编号", "联结方式", "协议签订日期", "协议到期日期"]
INCOMES = ["主体编码", "户编号", "年度", "实现收益（元）"]


@pytest.fixture
def linked(solar: Solar) -> Solar:
    entities = import_rows(
        "business-entities",
        [
            ENTITIES,
            ["E1", "乌鸡合作社", "农民专业合作社", "610727100200", "", "2019-02-01"],
            ["E2", "天麻公司", "龙头企业", "610727000000", "", "2016-05-01"],
        ],
    )
    assert entities.ok, messages(entities)
    links = import_rows(
        "benefit-links",
        [
            LINKS,
            ["E1", "H001", "订单收购+分红", "2019-03-01", "2021-12-31"],
            ["E1", "H002", "入股+保底分红", "2019-03-01", ""],
            ["E2", "H001", "土地流转+优先雇用", "2017-01-01", "2019-06-30"],
            ["E2", "H005", "土地流转+优先雇用", "2018-01-01", ""],
        ],
    )
    assert links.ok, messages(links)
    incomes = import_rows(
        "link-incomes",
        [
            INCOMES,
            ["E1", "H001", "2019", "1,200.50"],
            ["E1", "H002", "2019", "800"],
            ["E2", "H001", "2019", "300"],
            ["E2", "H005", "2018", "500"],
        ],
    )
    assert incomes.ok, messages(incomes)
    return solar


def test_linkage_figures(linked: Solar) -> None:
    county = figures_document(Area.objects.get(code="610727000000"), "2019-12")["industry"]
    # On 31 Dec: E1–H001, E1–H002, E2–H005 active (E2–H001 ended in June).
    assert {
        k: county[k]
        for k in (
            "business_entities",
            "new_business_entities",
            "entities_with_links",
            "linked_households",
            "link_income_fen",
        )
    } == {
        "business_entities": 2,
        "new_business_entities": 1,
        "entities_with_links": 2,
        "linked_households": 3,
        "link_income_fen": 230050,
    }
    january = figures_document(Area.objects.get(code="610727000000"), "2019-01")["industry"]
    assert (january["business_entities"], january["linked_households"]) == (1, 2)  # E2; H001 and H005
    town_b = figures_document(linked.personas.county.town_b, "2019-12")["industry"]
    assert (town_b["business_entities"], town_b["linked_households"]) == (0, 1)


@pytest.mark.parametrize(
    ("ledger", "header", "row", "column", "reason"),
    [
        (
            "business-entities",
            ENTITIES,
            ["E9", "社", "协会", "610727100200", "", "2019-01-01"],
            "主体类型",
            "应为以下之一",
        ),
        (
            "business-entities",
            ENTITIES,
            ["E9", "社", "家庭农场", "610727999999", "", "2019-01-01"],
            "所在区划代码",
            "区划代码不存在",
        ),
        (
            "business-entities",
            ENTITIES,
            ["E9", "社", "家庭农场", "610726000000", "", "2019-01-01"],
            "所在区划代码",
            "不在您的管辖范围内",
        ),
        (
            "business-entities",
            ENTITIES,
            ["E9", "社", "家庭农场", "610727100200", "CY99", "2019-01-01"],
            "主导产业编码",
            "产业编码不存在",
        ),
        (
            "benefit-links",
            LINKS,
            ["E9", "H003", "订单收购+分红", "2019-03-01", ""],
            "主体编码",
            "主体编码不存在",
        ),
        (
            "benefit-links",
            LINKS,
            ["E1", "H003", "订单收购+分红", "2019-01-01", ""],
            "协议签订日期",
            "早于该主体的成立日期2019-02-01",
        ),
        (
            "benefit-links",
            LINKS,
            ["E1", "H003", "订单收购+分红", "2019-03-01", "2019-03-01"],
            "协议到期日期",
            "须晚于签订日期",
        ),
        ("benefit-links", LINKS, ["E1", "H003", "代养", "2019-03-01", ""], "联结方式", "应为以下之一"),
        (
            "benefit-links",
            LINKS,
            ["E1", "H004", "订单收购+分红", "2019-03-01", ""],
            "户编号",
            "脱贫属性为“注销”",
        ),
        ("link-incomes", INCOMES, ["E1", "H003", "2019", "1"], "户编号", "没有利益联结"),
        ("link-incomes", INCOMES, ["E2", "H001", "2020", "1"], "年度", "不在利益联结协议的有效期内"),
        ("link-incomes", INCOMES, ["E1", "H001", "2018", "1"], "年度", "不在利益联结协议的有效期内"),
        ("link-incomes", INCOMES, ["E1", "H001", "2019", "-1"], "实现收益（元）", "不能为负数"),
    ],
)
def test_bad_rows_reject_the_file(
    linked: Solar, ledger: str, header: list[str], row: list[str], column: str, reason: str
) -> None:
    Household.objects.filter(code="H004").update(poverty_status=PovertyStatus.CANCELLED)
    before = (BusinessEntity.objects.count(), BenefitLink.objects.count(), LinkIncome.objects.count())
    outcome = import_rows(ledger, [header, row], scope=COUNTY_ONLY)
    assert (2, column) in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert (BusinessEntity.objects.count(), BenefitLink.objects.count(), LinkIncome.objects.count()) == before


def test_exports_import_back_unchanged(linked: Solar) -> None:
    for ledger in ("business-entities", "benefit-links", "link-incomes"):
        definition = LEDGERS[ledger]
        rows = list(definition.export_rows(COUNTY_ONLY))
        header = [c.zh for c in definition.columns]
        again = import_rows(ledger, [header, *[[r[c.key] for c in definition.columns] for r in rows]])
        assert again.ok and again.reports[0].result.unchanged == len(rows) > 0, ledger


def test_entity_pages_show_only_the_readers_households(linked: Solar) -> None:
    company = BusinessEntity.objects.get(code="E2")
    office = (
        linked.personas.client("office_staff")
        .get(f"/industry/entities/{company.pk}/?year=2018")
        .content.decode()
    )
    assert 'data-household="H005"' in office and "500.00" in office
    # The county-level firm is not the work team's; its cooperative is.
    assert linked.personas.client("work_team").get(f"/industry/entities/{company.pk}/").status_code == 404
    coop = BusinessEntity.objects.get(code="E1")
    team = (
        linked.personas.client("work_team").get(f"/industry/entities/{coop.pk}/?year=2019").content.decode()
    )
    assert 'data-household="H001"' in team and "1,200.50" in team
    listing = linked.personas.client("county_leader").get("/industry/entities/?year=2019").content.decode()
    assert 'data-entity="E1"' in listing and 'data-entity="E2"' in listing
    assert (
        'data-entity="E1"'
        not in linked.personas.client("outsider").get("/industry/entities/").content.decode()
    )
