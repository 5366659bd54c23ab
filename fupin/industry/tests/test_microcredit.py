"""Microcredit (扶贫小额信贷): the policy's limits on the loan ledger, repayments that never repay
more than is owed, and the interest subsidy that stops at the due date."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.core import idnumber
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.industry.models import LoanRepayment, MicroLoan
from fupin.industry.services.finance import add_months, loan_state, repayment_record
from fupin.industry.tests.conftest import EVERYTHING, SYSTEM, Solar
from fupin.ledgers.registry import LEDGERS
from fupin.ledgers.tests.helpers import COUNTY_ONLY, error_cells, import_rows, messages
from fupin.registry.models import Household, Member, PovertyStatus

pytestmark = pytest.mark.django_db
D = dt.date
LOANS = [
    "贷款编号",
    "户编号",
    "借款人身份证号",
    "贷款银行",
    "贷款金额（元）",
    "期限（月）",
    "年利率（%）",
    "放款日期",
    "贷款用途",
]
REPAYMENTS = ["贷款编号", "还款日期", "归还本金（元）", "支付利息（元）"]


def _head(solar: Solar, code: str) -> str:
    return solar.households[code].head_id_number


def _good(solar: Solar, code: str = "XD01", household: str = "H001", start: str = "2019-04-10") -> list[str]:
    return [
        code,
        household,
        _head(solar, household),
        "县信用联社",
        "50,000",
        "36",
        "4.35",
        start,
        "发展乌鸡养殖",
    ]


def test_loans_and_repayments_import_and_the_subsidy_stops_at_the_due_date(solar: Solar) -> None:
    loans = import_rows(
        "microloans",
        [
            LOANS,
            _good(solar),
            [*_good(solar, "XD02", "H002", "2017-01-05")[:5], "12", "4.35", "2017-01-05", "种植天麻"],
        ],
    )
    assert loans.ok, messages(loans)
    short = MicroLoan.objects.get(code="XD02")
    assert short.due_date == D(2018, 1, 5) and short.borrower.name == solar.households["H002"].head_name
    repayments = import_rows(
        "loan-repayments",
        [
            REPAYMENTS,
            ["XD02", "2017-12-20", "0", "2,175.00"],
            ["XD02", "2018-01-05", "20000", "0"],
            ["XD02", "2018-03-01", "30000", "300.00"],
            ["XD01", "2019-12-20", "0", "1576.88"],
        ],
    )
    assert repayments.ok, messages(repayments)
    mid = loan_state(short, D(2018, 2, 1))
    assert (mid.outstanding_fen, mid.overdue, mid.subsidised_interest_fen) == (3000000, True, 217500)
    end = loan_state(short, D(2018, 3, 1))
    assert (end.outstanding_fen, end.overdue, end.interest_fen, end.subsidised_interest_fen) == (
        0,
        False,
        247500,
        217500,
    )
    exported = list(LEDGERS["microloans"].export_rows(COUNTY_ONLY))
    assert {r["borrower_id_number"] for r in exported} == {_head(solar, "H001"), _head(solar, "H002")}
    again = import_rows(
        "microloans",
        [
            LOANS,
            *[
                [
                    r[c]
                    for c in (
                        "code",
                        "household_code",
                        "borrower_id_number",
                        "lender",
                        "amount",
                        "term_months",
                        "annual_rate",
                        "start_date",
                        "purpose",
                    )
                ]
                for r in exported
            ],
        ],
    )
    assert again.ok and again.reports[0].result.unchanged == 2


@pytest.mark.parametrize(
    ("index", "value", "column", "reason"),
    [
        (4, "50000.01", "贷款金额（元）", "0至50,000.00元之间"),
        (5, "37", "期限（月）", "1至36个月之间"),
        (5, "0", "期限（月）", "1至36个月之间"),
        (6, "12", "年利率（%）", "不超过10%"),
        (8, "儿子结婚", "贷款用途", "不能用于“婚”"),
        (8, "建房", "贷款用途", "不能用于“建房”"),
        (1, "H999", "户编号", "户编号不存在"),
        (2, "610727197001010012", "借款人身份证号", ""),
        (7, "2019-02-30", "放款日期", "日期不存在"),
    ],
)
def test_bad_loan_rows_reject_the_file(
    solar: Solar, index: int, value: str, column: str, reason: str
) -> None:
    row = _good(solar)
    row[index] = value
    outcome = import_rows("microloans", [LOANS, row])
    assert (2, column) in error_cells(outcome) and reason in messages(outcome), messages(outcome)
    assert not MicroLoan.objects.exists()


def test_borrower_age_membership_status_and_one_loan_at_a_time(solar: Solar) -> None:
    other = _good(solar)
    other[2] = _head(solar, "H002")  # a member of another household
    assert "借款人不是该户成员" in messages(import_rows("microloans", [LOANS, other]))
    young = Member.objects.create(
        household=solar.households["H001"],
        name="小明",
        relation="son",
        id_number=idnumber.make("610727", D(2002, 1, 1), 11),
    )
    minor = _good(solar)
    minor[2] = young.id_number
    assert "借款人放款时17岁，须在18至65岁之间" in messages(import_rows("microloans", [LOANS, minor]))
    Household.objects.filter(code="H003").update(poverty_status=PovertyStatus.CANCELLED)
    assert "脱贫属性为“注销”" in messages(import_rows("microloans", [LOANS, _good(solar, "XD09", "H003")]))
    overlap = import_rows("microloans", [LOANS, _good(solar), _good(solar, "XD03", start="2020-01-01")])
    assert (3, "放款日期") in error_cells(overlap) and "一户一贷" in messages(overlap)
    assert import_rows("microloans", [LOANS, _good(solar)]).ok
    unpaid = import_rows("microloans", [LOANS, _good(solar, "XD04", start="2022-06-01")])
    assert "该户贷款 XD01 尚未还清，不能再贷" in messages(unpaid)
    assert import_rows("loan-repayments", [REPAYMENTS, ["XD01", "2022-04-10", "50000", "0"]]).ok
    assert import_rows("microloans", [LOANS, _good(solar, "XD04", start="2022-06-01")]).ok


def test_bad_repayment_rows_reject_the_file(solar: Solar) -> None:
    assert import_rows("microloans", [LOANS, _good(solar)]).ok
    outcome = import_rows(
        "loan-repayments",
        [
            REPAYMENTS,
            ["XD01", "2019-04-01", "1", "0"],
            ["XD01", "2020-01-01", "30000", "0"],
            ["XD01", "2020-06-01", "20000.01", "0"],
            ["XD99", "2020-01-01", "1", "1"],
            ["XD01", "2020-07-01", "0", "0"],
            ["XD01", "2020-08-01", "-1", "0"],
        ],
    )
    assert {
        (2, "还款日期"),
        (4, "归还本金（元）"),
        (5, "贷款编号"),
        (6, "归还本金（元）"),
        (7, "归还本金（元）"),
    } <= error_cells(outcome)
    assert "超过尚欠本金20,000.00元" in messages(outcome) and "不能早于放款日期2019-04-10" in messages(
        outcome
    )
    assert not LoanRepayment.objects.exists()


def test_the_page_records_a_repayment_for_the_office_only(solar: Solar) -> None:
    assert import_rows("microloans", [LOANS, _good(solar)]).ok
    loan = MicroLoan.objects.get()
    for persona in ("town_official", "work_team", "outsider"):
        with pytest.raises(PermissionDenied):
            repayment_record(
                actor=SYSTEM,
                scope=solar.scope(persona),
                loan=loan,
                paid_on=D(2019, 12, 20),
                principal_fen=0,
                interest_fen=100,
            )
    with pytest.raises(ApplicationError, match="超过尚欠本金"):
        repayment_record(
            actor=SYSTEM,
            scope=EVERYTHING,
            loan=loan,
            paid_on=D(2019, 12, 20),
            principal_fen=5_000_001,
            interest_fen=0,
        )
    office = solar.personas.client("office_staff")
    reply = office.post(
        f"/industry/loans/{loan.pk}/", {"paid_on": "2019-12-20", "principal": "1000", "interest": "15.50"}
    )
    assert reply.status_code == 302
    assert loan_state(loan, D(2019, 12, 31)).outstanding_fen == 4_900_000
    page = office.get(f"/industry/loans/{loan.pk}/").content.decode()
    assert "49,000.00" in page and _head(solar, "H001") not in page
    assert solar.personas.client("work_team").get(f"/industry/loans/{loan.pk}/").status_code == 200
    assert solar.personas.client("work_team").post(f"/industry/loans/{loan.pk}/", {}).status_code == 403
    assert solar.personas.client("outsider").get(f"/industry/loans/{loan.pk}/").status_code == 404
    # Due in April 2022 and not repaid: overdue today.
    assert 'data-loan="XD01"' in office.get("/industry/loans/?status=overdue").content.decode()
    assert 'data-loan="XD01"' not in office.get("/industry/loans/?status=repaid").content.decode()


def test_add_months_keeps_the_day_or_the_months_last() -> None:
    assert add_months(D(2019, 1, 31), 1) == D(2019, 2, 28)
    assert add_months(D(2019, 11, 15), 36) == D(2022, 11, 15)


def test_finance_figures_follow_the_loans_by_date(solar: Solar) -> None:
    from fupin.areas.models import Area
    from fupin.reports.figures import figures_document

    loan = [*_good(solar, "XD02", "H002", "2017-01-05")[:5], "12", "4.35", "2017-01-05", "种植天麻"]
    assert import_rows("microloans", [LOANS, loan, _good(solar)]).ok
    assert import_rows(
        "loan-repayments",
        [
            REPAYMENTS,
            ["XD02", "2017-12-20", "0", "2175"],
            ["XD02", "2018-01-05", "20000", "0"],
            ["XD02", "2018-03-01", "30000", "300"],
        ],
    ).ok
    county = Area.objects.get(code="610727000000")
    december = figures_document(county, "2017-12")["finance"]
    assert december == {
        "integrated_fund_fen": 0,
        "integrated_projects": 0,
        "integrated_allocated_fen": 0,
        "integrated_spent_fen": 0,
        "insurance_policies": 0,
        "insured_households": 0,
        "premium_subsidy_fen": 0,
        "claims_paid": 0,
        "claims_paid_fen": 0,
        "mutual_aid_associations": 0,
        "mutual_aid_fund_fen": 0,
        "mutual_aid_loans_made": 0,
        "mutual_aid_lent_fen": 0,
        "mutual_aid_loans_out": 0,
        "mutual_aid_out_fen": 0,
        "mutual_aid_overdue": 0,
        "loans_issued": 1,
        "loan_amount_issued_fen": 5_000_000,
        "loans_outstanding": 1,
        "households_with_loans": 1,
        "outstanding_fen": 5_000_000,
        "overdue_loans": 0,
        "overdue_fen": 0,
        "interest_subsidy_fen": 217_500,
    }
    january = figures_document(county, "2018-01")["finance"]
    assert (january["loans_issued"], january["outstanding_fen"], january["overdue_loans"]) == (
        0,
        3_000_000,
        1,
    )
    march = figures_document(county, "2018-03")["finance"]
    # Repaid in full; the 300 yuan of overdue interest is not subsidised.
    assert (march["loans_outstanding"], march["overdue_fen"], march["interest_subsidy_fen"]) == (0, 0, 0)
    later = figures_document(county, "2019-12")["finance"]
    assert (later["loans_issued"], later["households_with_loans"]) == (1, 1)
    assert figures_document(solar.personas.county.town_b, "2019-12")["finance"]["loans_outstanding"] == 0
