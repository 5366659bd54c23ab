"""Industry insurance: the policy and claim ledgers with their rejections, the figures and the page."""

from __future__ import annotations

import pytest

from fupin.areas.models import Area
from fupin.industry.models import InsuranceClaim, InsurancePolicy
from fupin.industry.tests.conftest import Solar
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import COUNTY_ONLY, error_cells, import_rows, messages
from fupin.reports.figures import figures_document

pytestmark = pytest.mark.django_db
POLICIES = [
    "保单号",
    "户编号",
    "保险公司",
    "投保产业编码",
    "保险金额（元）",
    "保费（元）",
    "财政补贴保费（元）",
    "保险起期",
    "保险止期",
]
CLAIMS = ["保单号", "出险日期", "出险原因", "赔付日期", "赔付金额（元）"]
GOOD = ["P1", "H001", "人保财险", "CY01", "6000", "300", "240", "2019-04-01", "2020-03-31"]


@pytest.fixture
def insured(solar: Solar) -> Solar:
    assert import_rows(
        "featured-industries",
        [
            ["产业编码", "产业名称", "县区划代码", "规模单位", "中长期产业"],
            ["CY01", "乌鸡", "610727000000", "羽（只）", "是"],
        ],
    ).ok
    assert import_rows(
        "insurance-policies",
        [
            POLICIES,
            GOOD,
            ["P2", "H005", "人保财险", "CY01", "3000", "150", "120", "2019-06-01", "2020-05-31"],
        ],
    ).ok
    outcome = import_rows(
        "insurance-claims",
        [
            CLAIMS,
            ["P1", "2019-07-12", "暴雨致鸡舍倒塌", "2019-08-01", "1,800"],
            ["P1", "2019-11-02", "禽病", "2019-12-20", "700.50"],
        ],
    )
    assert outcome.ok, messages(outcome)
    return solar


def test_insurance_figures(insured: Solar) -> None:
    county = figures_document(Area.objects.get(code="610727000000"), "2019-12")["finance"]
    assert {
        k: county[k]
        for k in (
            "insurance_policies",
            "insured_households",
            "premium_subsidy_fen",
            "claims_paid",
            "claims_paid_fen",
        )
    } == {
        "insurance_policies": 2,
        "insured_households": 2,
        "premium_subsidy_fen": 36000,
        "claims_paid": 2,
        "claims_paid_fen": 250050,
    }
    may = figures_document(Area.objects.get(code="610727000000"), "2019-05")["finance"]
    assert (may["insurance_policies"], may["premium_subsidy_fen"], may["claims_paid"]) == (1, 24000, 0)


@pytest.mark.parametrize(
    ("ledger", "header", "row", "column", "reason"),
    [
        (
            "insurance-policies",
            POLICIES,
            [*GOOD[:6], "300.01", *GOOD[7:]],
            "财政补贴保费（元）",
            "不能超过保费",
        ),
        ("insurance-policies", POLICIES, [*GOOD[:8], "2019-04-01"], "保险止期", "须晚于起期"),
        ("insurance-policies", POLICIES, [GOOD[0], "H999", *GOOD[2:]], "户编号", "户编号不存在"),
        ("insurance-policies", POLICIES, [*GOOD[:3], "CY99", *GOOD[4:]], "投保产业编码", "产业编码不存在"),
        ("insurance-policies", POLICIES, [*GOOD[:4], "0", *GOOD[5:]], "保险金额（元）", "须大于0"),
        (
            "insurance-claims",
            CLAIMS,
            ["P1", "2020-04-01", "雹灾", "2020-04-10", "1"],
            "出险日期",
            "不在保险期间",
        ),
        (
            "insurance-claims",
            CLAIMS,
            ["P1", "2019-09-01", "雹灾", "2019-08-31", "1"],
            "赔付日期",
            "不能早于出险日期",
        ),
        (
            "insurance-claims",
            CLAIMS,
            ["P1", "2019-09-01", "雹灾", "2019-09-10", "3499.51"],
            "赔付金额（元）",
            "累计赔付6,000.01元超过保险金额6,000.00元",
        ),
        (
            "insurance-claims",
            CLAIMS,
            ["P9", "2019-09-01", "雹灾", "2019-09-10", "1"],
            "保单号",
            "保单号不存在",
        ),
    ],
)
def test_bad_rows_reject_the_file(
    insured: Solar, ledger: str, header: list[str], row: list[str], column: str, reason: str
) -> None:
    before = (InsurancePolicy.objects.count(), InsuranceClaim.objects.count())
    row = [("P7" if ledger == "insurance-policies" and i == 0 else cell) for i, cell in enumerate(row)]
    outcome = import_rows(ledger, [header, row], scope=COUNTY_ONLY)
    assert (2, column) in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert (InsurancePolicy.objects.count(), InsuranceClaim.objects.count()) == before


def test_exports_import_back_unchanged_and_the_page_by_persona(insured: Solar) -> None:
    for ledger in ("insurance-policies", "insurance-claims"):
        definition = LEDGERS[ledger]
        rows = list(definition.export_rows(COUNTY_ONLY))
        header = [c.zh for c in definition.columns]
        again = import_rows(ledger, [header, *[[r[c.key] for c in definition.columns] for r in rows]])
        assert again.ok and again.reports[0].result.unchanged == len(rows) > 0, ledger
    team = insured.personas.client("work_team").get("/industry/insurance/?year=2019").content.decode()
    assert 'data-policy="P1"' in team and 'data-policy="P2"' not in team and "2,500.50" in team
    office = insured.personas.client("office_staff").get("/industry/insurance/?year=2019").content.decode()
    assert 'data-policy="P2"' in office
