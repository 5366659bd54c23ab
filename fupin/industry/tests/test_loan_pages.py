"""The page that enters and corrects a microloan: the ledger's rules (amount, term, borrower a
member of 18–65, one loan at a time) with the reasons beside their fields, a correction checked
against its version and repayments, and only the county office of the loan's area may write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fupin.core import idnumber
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.industry.models import LoanRepayment, MicroLoan
from fupin.industry.services.finance import loan_create, loan_update
from fupin.industry.tests.conftest import EVERYTHING, SYSTEM, Solar
from fupin.registry.models import Household, Member, PovertyStatus

pytestmark = pytest.mark.django_db
D = dt.date


def _post(solar: Solar, **changes: str) -> dict[str, str]:
    return {
        "code": "XD01",
        "household_code": "H001",
        "borrower_name": solar.households["H001"].head_name,
        "lender": "县信用联社",
        "amount": "50000",
        "term_months": "36",
        "annual_rate": "4.35",
        "start_date": "2019-04-10",
        "purpose": "发展乌鸡养殖",
    } | changes


def _errors(reply: Any) -> dict[str, list[str]]:
    form = reply.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def _create(
    solar: Solar, scope: Scope = EVERYTHING, code: str = "XD01", household: str = "H001"
) -> MicroLoan:
    owner = solar.households[household]
    return loan_create(
        actor=SYSTEM,
        scope=scope,
        code=code,
        household=owner,
        borrower=Member.objects.get(household=owner, relation="head"),
        lender="县信用联社",
        amount_fen=5_000_000,
        term_months=36,
        annual_rate=Decimal("4.35"),
        start_date=D(2019, 4, 10),
        purpose="发展乌鸡养殖",
    )


def test_the_office_enters_a_loan_on_the_page(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    assert "登记贷款" in office.get("/industry/loans/").content.decode()
    assert office.get("/industry/loans/new/").status_code == 200
    reply = office.post("/industry/loans/new/", _post(solar))
    loan = MicroLoan.objects.get()
    assert reply.status_code == 302 and reply["Location"] == f"/industry/loans/{loan.pk}/"
    assert (loan.due_date, loan.area_code, loan.amount_fen) == (
        D(2022, 4, 10),
        solar.households["H001"].area_code,
        5_000_000,
    )
    assert loan.borrower.household_id == solar.households["H001"].pk
    assert ChangeLog.objects.filter(object_id=str(loan.pk), action="create").exists()
    page = office.get(f"/industry/loans/{loan.pk}/edit/").content.decode()
    assert "50000.00" in page and solar.households["H001"].head_id_number not in page


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"amount": "50000.01"}, "amount", "0至50,000.00元之间"),
        ({"term_months": "37"}, "term_months", "1至36个月之间"),
        ({"annual_rate": "12"}, "annual_rate", "不超过10%"),
        ({"purpose": "儿子结婚"}, "purpose", "不能用于“婚”"),
        ({"borrower_name": "户主H002"}, "borrower_name", "借款人不是该户成员"),
        ({"household_code": "H999"}, "household_code", "户编号不存在或不在您的管辖范围内"),
        ({"start_date": "2019-02-30"}, "start_date", ""),
    ],
)
def test_a_loan_against_the_rules_is_refused_beside_its_field(
    solar: Solar, changes: dict[str, str], field: str, reason: str
) -> None:
    reply = solar.personas.client("office_staff").post("/industry/loans/new/", _post(solar, **changes))
    assert reply.status_code == 200
    errors = _errors(reply)
    assert field in errors and reason in " ".join(errors[field]), errors
    assert not MicroLoan.objects.exists()


def test_age_status_and_one_loan_at_a_time_are_the_ledgers_rules(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    Member.objects.create(
        household=solar.households["H001"],
        name="小明",
        relation="son",
        id_number=idnumber.make("610727", D(2002, 1, 1), 11),
    )
    minor = _errors(office.post("/industry/loans/new/", _post(solar, borrower_name="小明")))
    assert minor["borrower_name"] == ["借款人放款时17岁，须在18至65岁之间"]
    Household.objects.filter(code="H003").update(poverty_status=PovertyStatus.CANCELLED)
    cancelled = _post(solar, household_code="H003", borrower_name="户主H003")
    assert "脱贫属性为“注销”" in _errors(office.post("/industry/loans/new/", cancelled))["household_code"][0]
    assert office.post("/industry/loans/new/", _post(solar)).status_code == 302
    again = _errors(office.post("/industry/loans/new/", _post(solar, start_date="2021-01-01")))
    assert again["code"] == ["贷款编号“XD01”已被使用"]
    assert again["start_date"] == ["该户贷款 XD01 尚未还清，不能再贷"]
    earlier = _errors(office.post("/industry/loans/new/", _post(solar, code="XD02", start_date="2018-01-01")))
    assert earlier["start_date"] == ["与该户贷款 XD01 期限重叠（一户一贷，还清再贷）"]
    loan = MicroLoan.objects.get()
    LoanRepayment.objects.create(loan=loan, paid_on=D(2022, 4, 10), principal_fen=5_000_000, interest_fen=0)
    after = office.post("/industry/loans/new/", _post(solar, code="XD02", start_date="2022-06-01"))
    assert after.status_code == 302 and MicroLoan.objects.count() == 2


def test_a_correction_is_versioned_and_respects_the_repayments(solar: Solar) -> None:
    office = solar.personas.client("office_staff")
    loan = _create(solar)
    url = f"/industry/loans/{loan.pk}/edit/"
    reply = office.post(url, _post(solar, amount="30000", term_months="24", version=str(loan.version)))
    assert reply.status_code == 302
    loan.refresh_from_db()
    assert (loan.amount_fen, loan.due_date, loan.version) == (3_000_000, D(2021, 4, 10), 2)
    assert ChangeLog.objects.filter(object_id=str(loan.pk), action="update").exists()
    stale = office.post(url, _post(solar, amount="20000", version="1"))
    assert stale.status_code == 200 and "已被他人修改" in " ".join(_errors(stale)["__all__"])
    loan.refresh_from_db()
    assert loan.amount_fen == 3_000_000
    # The code and household are the loan's identity: posted values are ignored.
    LoanRepayment.objects.create(loan=loan, paid_on=D(2020, 1, 1), principal_fen=1_000_000, interest_fen=0)
    refused = _errors(
        office.post(url, _post(solar, amount="5000", start_date="2020-02-01", code="X", version="2"))
    )
    assert refused["amount"] == ["贷款金额不能少于已归还本金10,000.00元"]
    assert refused["start_date"] == ["放款日期不能晚于第一笔还款日期2020-01-01"]
    with pytest.raises(ConflictError):
        loan_update(actor=SYSTEM, scope=EVERYTHING, loan=loan, expected_version=1, lender="别的银行")
    with pytest.raises(ApplicationError, match="不能修改"):
        loan_update(actor=SYSTEM, scope=EVERYTHING, loan=loan, expected_version=2, code="X")


@pytest.mark.parametrize(
    "persona", ["town_official", "work_team", "unit_user", "county_leader", "paired_cadre"]
)
def test_only_the_office_may_open_or_post_the_loan_form(solar: Solar, persona: str) -> None:
    loan = _create(solar)
    client = solar.personas.client(persona)
    assert "登记贷款" not in client.get("/industry/loans/").content.decode()
    assert client.get("/industry/loans/new/").status_code == 403
    assert client.post("/industry/loans/new/", _post(solar, code="XD02")).status_code == 403
    assert client.post(f"/industry/loans/{loan.pk}/edit/", _post(solar, version="1")).status_code == 403
    with pytest.raises(PermissionDenied):
        loan_update(actor=SYSTEM, scope=solar.scope(persona), loan=loan, expected_version=1, lender="x")
    assert MicroLoan.objects.get().version == 1


def test_another_countys_office_cannot_reach_the_loan_or_the_household(solar: Solar) -> None:
    loan = _create(solar)
    outsider = solar.personas.client("outsider")
    assert outsider.get(f"/industry/loans/{loan.pk}/edit/").status_code == 404
    assert outsider.post(f"/industry/loans/{loan.pk}/edit/", _post(solar, version="1")).status_code == 404
    reply = outsider.post("/industry/loans/new/", _post(solar, code="XD02", household_code="H002"))
    assert _errors(reply)["household_code"] == ["户编号不存在或不在您的管辖范围内"]
    with pytest.raises(PermissionDenied):
        _create(solar, solar.scope("outsider"), "XD09", "H002")
    assert MicroLoan.objects.count() == 1
