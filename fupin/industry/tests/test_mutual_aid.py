"""Village mutual-aid funds: the association and loan ledgers with their rejections (the fund's
limit on the day of a loan, twelve months at most, the association's village), figures and page."""

from __future__ import annotations

import pytest

from fupin.areas.models import Area
from fupin.industry.models import MutualAidAssociation, MutualAidLoan
from fupin.industry.tests.conftest import Solar
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import COUNTY_ONLY, error_cells, import_rows, messages
from fupin.reports.figures import figures_document

pytestmark = pytest.mark.django_db
ASSOCIATIONS = ["协会编码", "协会名称", "村区划代码", "资金总额（元）", "成立日期"]
LOANS = ["借款编号", "协会编码", "户编号", "借款金额（元）", "借款日期", "约定还款日期", "还清日期"]


@pytest.fixture
def fund(solar: Solar) -> Solar:
    assert import_rows(
        "mutual-aid-associations",
        [ASSOCIATIONS, ["HZ1", "黄家坝村互助资金协会", "610727100200", "10,000", "2016-05-01"]],
    ).ok
    outcome = import_rows(
        "mutual-aid-loans",
        [
            LOANS,
            ["L1", "HZ1", "H001", "6000", "2019-03-01", "2020-02-28", ""],
            ["L2", "HZ1", "H002", "4000", "2019-03-05", "2019-09-05", "2019-09-01"],
            ["L3", "HZ1", "H003", "3000", "2019-09-10", "2019-11-10", ""],
        ],
    )
    assert outcome.ok, messages(outcome)
    return solar


def test_mutual_aid_figures(fund: Solar) -> None:
    december = figures_document(Area.objects.get(code="610727000000"), "2019-12")["finance"]
    assert {k: v for k, v in december.items() if k.startswith("mutual_aid")} == {
        "mutual_aid_associations": 1,
        "mutual_aid_fund_fen": 1_000_000,
        "mutual_aid_loans_made": 3,
        "mutual_aid_lent_fen": 1_300_000,
        "mutual_aid_loans_out": 2,
        "mutual_aid_out_fen": 900_000,
        "mutual_aid_overdue": 1,
    }


@pytest.mark.parametrize(
    ("ledger", "header", "row", "column", "reason"),
    [
        (
            "mutual-aid-loans",
            LOANS,
            ["L9", "HZ1", "H002", "0.01", "2019-04-01", "2019-12-01", ""],
            "借款金额（元）",
            "2019-04-01协会在借合计10,000.01元，超过资金总额10,000.00元",
        ),
        (
            "mutual-aid-loans",
            LOANS,
            ["L9", "HZ1", "H002", "100", "2019-04-01", "2020-04-02", ""],
            "约定还款日期",
            "不超过12个月",
        ),
        (
            "mutual-aid-loans",
            LOANS,
            ["L9", "HZ1", "H002", "100", "2019-04-01", "2019-04-01", ""],
            "约定还款日期",
            "须晚于借款日期",
        ),
        (
            "mutual-aid-loans",
            LOANS,
            ["L9", "HZ1", "H004", "100", "2019-04-01", "2019-05-01", ""],
            "户编号",
            "不是该协会所在村的户",
        ),
        (
            "mutual-aid-loans",
            LOANS,
            ["L9", "HZ9", "H002", "100", "2019-04-01", "2019-05-01", ""],
            "协会编码",
            "协会编码不存在",
        ),
        (
            "mutual-aid-loans",
            LOANS,
            ["L9", "HZ1", "H002", "100", "2019-04-01", "2019-05-01", "2019-03-01"],
            "还清日期",
            "不能早于借款日期",
        ),
        (
            "mutual-aid-associations",
            ASSOCIATIONS,
            ["HZ9", "协会", "610727100000", "1", "2016-01-01"],
            "村区划代码",
            "村级区划代码",
        ),
        (
            "mutual-aid-associations",
            ASSOCIATIONS,
            ["HZ9", "协会", "610727100201", "0", "2016-01-01"],
            "资金总额（元）",
            "须大于0",
        ),
    ],
)
def test_bad_rows_reject_the_file(
    fund: Solar, ledger: str, header: list[str], row: list[str], column: str, reason: str
) -> None:
    before = (MutualAidAssociation.objects.count(), MutualAidLoan.objects.count())
    outcome = import_rows(ledger, [header, row], scope=COUNTY_ONLY)
    assert (2, column) in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert (MutualAidAssociation.objects.count(), MutualAidLoan.objects.count()) == before


def test_a_repaid_loan_frees_the_fund_and_exports_import_back(fund: Solar) -> None:
    # L2 was repaid on 1 September: on the 2nd, 4,000 yuan is free again (6,000 out with L1) — but
    # 4,000 would leave no room for L3 (3,000) on the 10th, so only 1,000 may be lent.
    crowding = import_rows(
        "mutual-aid-loans", [LOANS, ["L4", "HZ1", "H002", "4000", "2019-09-02", "2019-12-01", ""]]
    )
    assert "2019-09-10协会在借合计13,000.00元" in messages(crowding)
    assert import_rows(
        "mutual-aid-loans", [LOANS, ["L4", "HZ1", "H002", "1000", "2019-09-02", "2019-12-01", ""]]
    ).ok
    for ledger in ("mutual-aid-associations", "mutual-aid-loans"):
        definition = LEDGERS[ledger]
        rows = list(definition.export_rows(COUNTY_ONLY))
        header = [c.zh for c in definition.columns]
        again = import_rows(ledger, [header, *[[r[c.key] for c in definition.columns] for r in rows]])
        assert again.ok and again.reports[0].result.unchanged == len(rows) > 0, messages(again)
    page = fund.personas.client("work_team").get("/industry/mutual-aid/").content.decode()
    assert 'data-association="HZ1"' in page
    assert (
        'data-association="HZ1"'
        not in fund.personas.client("outsider").get("/industry/mutual-aid/").content.decode()
    )
