"""Writes and rules of microcredit (扶贫小额信贷).

A loan is checked against the policy (at most 50,000 yuan and 36 months, a borrower of 18–65, no
second loan while one is unpaid, a productive purpose, not a wedding, house or investment) and a
repayment against the loan (not before it was made, never more principal than is owed). The
interest subsidy (财政贴息) is the interest paid on or before the due date; overdue interest is the
household's own. Loans and repayments come from the banks' ledgers or the county office's pages
(a new loan, a versioned correction, a repayment); ledger and page share the rules below.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Sum

from fupin.core import idnumber
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.industry.models import MAX_LOAN_FEN, MAX_TERM_MONTHS, LoanRepayment, MicroLoan
from fupin.industry.money import yuan_text
from fupin.registry.models import Household, Member, PovertyStatus

ELIGIBLE = (PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED, PovertyStatus.NON_POOR)
# "不得用于婚丧嫁娶、建房、投资理财" and similar non-productive uses.
FORBIDDEN_PURPOSES = ("婚", "丧", "建房", "购房", "盖房", "理财", "投资", "还债", "消费")
MAX_RATE = Decimal("10")


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def age_on(id_number: str, day: dt.date) -> int:
    born = idnumber.birth_date_of(id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def loan_problems(
    values: dict[str, Any], household: Household | None, borrower_id: str | None
) -> dict[str, str]:
    """Field → reason for a loan that breaks the policy (amount_fen, term_months, annual_rate,
    start_date, purpose); `borrower_id` is the borrower's ID number when known."""
    errors: dict[str, str] = {}
    amount = values.get("amount_fen")
    if amount is not None and not 0 < amount <= MAX_LOAN_FEN:
        errors["amount_fen"] = f"扶贫小额信贷金额应在0至{yuan_text(MAX_LOAN_FEN)}元之间"
    term = values.get("term_months")
    if term is not None and not 1 <= term <= MAX_TERM_MONTHS:
        errors["term_months"] = f"期限应在1至{MAX_TERM_MONTHS}个月之间"
    rate = values.get("annual_rate")
    if rate is not None and not Decimal(0) < rate <= MAX_RATE:
        errors["annual_rate"] = f"年利率应大于0且不超过{MAX_RATE}%"
    purpose = str(values.get("purpose") or "")
    forbidden = [word for word in FORBIDDEN_PURPOSES if word in purpose]
    if forbidden:
        errors["purpose"] = f"扶贫小额信贷须用于生产经营，不能用于“{forbidden[0]}”"
    if household is not None and household.poverty_status not in ELIGIBLE:
        label = PovertyStatus(household.poverty_status).label
        errors["household"] = f"户 {household.code} 的脱贫属性为“{label}”，不能享受扶贫小额信贷"
    start = values.get("start_date")
    if borrower_id and start is not None:
        age = age_on(borrower_id, start)
        if not 18 <= age <= 65:
            errors["borrower_name"] = f"借款人放款时{age}岁，须在18至65岁之间"
    return errors


def household_loan_problems(
    *,
    household: Household,
    borrower: Member | None,
    start_date: dt.date,
    term_months: int,
    loan: MicroLoan | None,
    others: Iterable[MicroLoan],
) -> dict[str, str]:
    """Field → reason for a loan (`loan`, None when new) that the household cannot take: the
    borrower is not its member, or it overlaps another of its loans (`others`: the household's
    other stored loans) — one loan at a time, repaid before the next."""
    errors: dict[str, str] = {}
    if borrower is None or borrower.household_id != household.pk:
        errors["borrower_name"] = "借款人不是该户成员"
    due = add_months(start_date, term_months)
    for other in others:
        if other.household_id != household.pk:
            continue
        if other.start_date <= start_date:
            if loan_state(other, start_date).outstanding_fen > 0:
                errors["start_date"] = f"该户贷款 {other.code} 尚未还清，不能再贷"
        elif other.start_date < due and (
            loan is None or loan_state(loan, other.start_date).outstanding_fen > 0
        ):
            errors["start_date"] = f"与该户贷款 {other.code} 期限重叠（一户一贷，还清再贷）"
    return errors


@dataclass(frozen=True)
class LoanState:
    repaid_principal_fen: int
    interest_fen: int
    subsidised_interest_fen: int
    outstanding_fen: int
    overdue: bool


def loan_state(loan: MicroLoan, on: dt.date) -> LoanState:
    """The loan as it stood at the end of `on`."""
    paid = loan.repayments.filter(paid_on__lte=on)
    totals = paid.aggregate(principal=Sum("principal_fen"), interest=Sum("interest_fen"))
    subsidised = paid.filter(paid_on__lte=loan.due_date).aggregate(interest=Sum("interest_fen"))["interest"]
    outstanding = loan.amount_fen - int(totals["principal"] or 0)
    return LoanState(
        repaid_principal_fen=int(totals["principal"] or 0),
        interest_fen=int(totals["interest"] or 0),
        subsidised_interest_fen=int(subsidised or 0),
        outstanding_fen=outstanding,
        overdue=outstanding > 0 and on > loan.due_date,
    )


def loans_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [
        row
        | {
            "area_code": row["household"].area_code,
            "due_date": add_months(row["start_date"], row["term_months"]),
        }
        for row in rows
    ]
    return bulk_upsert(
        MicroLoan, key="code", rows=prepared, actor=actor, select_related=("household", "borrower")
    )


def repayments_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(
        LoanRepayment, key_fields=("loan", "paid_on"), rows=rows, actor=actor, select_related=("loan",)
    )


def may_manage_loans(scope: Scope, area_code: str) -> bool:
    return scope.can_manage and scope.covers_code(area_code)


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


def _loan_refusals(
    values: dict[str, Any], *, household: Household, borrower: Member | None, loan: MicroLoan | None
) -> dict[str, str]:
    """The ledger's rules for one loan written on a page: the policy, the household's eligibility
    and membership, one loan at a time, and (for a correction) the repayments already made."""
    errors = loan_problems(values, household, borrower.id_number if borrower is not None else None)
    if not str(values.get("lender") or "").strip():
        errors["lender"] = "请填写贷款银行"
    if not str(values.get("purpose") or "").strip():
        errors["purpose"] = "请填写贷款用途"
    others = MicroLoan.objects.filter(household=household)
    if loan is not None:
        others = others.exclude(pk=loan.pk)
    for name, message in household_loan_problems(
        household=household,
        borrower=borrower,
        start_date=values["start_date"],
        term_months=values["term_months"],
        loan=loan,
        others=others,
    ).items():
        errors.setdefault(name, message)
    if loan is not None:
        paid = loan.repayments.aggregate(principal=Sum("principal_fen"), first=models.Min("paid_on"))
        repaid = int(paid["principal"] or 0)
        if values["amount_fen"] < repaid:
            errors["amount_fen"] = f"贷款金额不能少于已归还本金{yuan_text(repaid)}元"
        if paid["first"] is not None and values["start_date"] > paid["first"]:
            errors["start_date"] = f"放款日期不能晚于第一笔还款日期{paid['first']:%Y-%m-%d}"
    return errors


@transaction.atomic
def loan_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    household: Household,
    borrower: Member | None,
    lender: str,
    amount_fen: int,
    term_months: int,
    annual_rate: Decimal,
    start_date: dt.date,
    purpose: str,
) -> MicroLoan:
    """A new loan entered on the page, under the same rules as a ledger row."""
    if not may_manage_loans(scope, household.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域的贷款")
    # Serialise the household's loans so that two pages cannot both grant "the one loan".
    Household.objects.select_for_update().filter(pk=household.pk).first()
    values = {
        "amount_fen": amount_fen,
        "term_months": term_months,
        "annual_rate": annual_rate,
        "start_date": start_date,
        "purpose": purpose,
        "lender": lender,
    }
    errors = _loan_refusals(values, household=household, borrower=borrower, loan=None)
    if not code.strip():
        errors["code"] = "请填写贷款编号"
    elif MicroLoan.objects.filter(code=code.strip()).exists():
        errors["code"] = f"贷款编号“{code.strip()}”已被使用"
    _refuse(errors)
    assert borrower is not None
    loan = MicroLoan.objects.create(
        code=code.strip(),
        household=household,
        area_code=household.area_code,
        borrower=borrower,
        lender=lender.strip(),
        amount_fen=amount_fen,
        term_months=term_months,
        annual_rate=annual_rate,
        start_date=start_date,
        due_date=add_months(start_date, term_months),
        purpose=purpose.strip(),
    )
    record_change(actor, loan, action=ChangeAction.CREATE, before=None)
    return loan


LOAN_EDITABLE = ("borrower", "lender", "amount_fen", "term_months", "annual_rate", "start_date", "purpose")


@transaction.atomic
def loan_update(
    *, actor: Actor, scope: Scope, loan: MicroLoan, expected_version: int | None, **changes: Any
) -> MicroLoan:
    """Correct a loan (its code and household are its identity); refused when someone changed it
    since `expected_version` was read."""
    if not may_manage_loans(scope, loan.area_code):
        raise PermissionDenied("只有县扶贫办可以修改本区域的贷款")
    unknown = set(changes) - set(LOAN_EDITABLE)
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    Household.objects.select_for_update().filter(pk=loan.household_id).first()
    values = {name: changes.get(name, getattr(loan, name)) for name in LOAN_EDITABLE}
    _refuse(_loan_refusals(values, household=loan.household, borrower=values["borrower"], loan=loan))
    for name in ("lender", "purpose"):
        if name in changes:
            changes[name] = str(changes[name]).strip()
    changes["due_date"] = add_months(values["start_date"], values["term_months"])
    return update_fields_checked(loan, actor=actor, expected_version=expected_version, changes=changes)


@transaction.atomic
def repayment_record(
    *,
    actor: Actor,
    scope: Scope,
    loan: MicroLoan,
    paid_on: dt.date,
    principal_fen: int,
    interest_fen: int,
) -> LoanRepayment:
    if not may_manage_loans(scope, loan.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域的还款")
    locked = MicroLoan.objects.select_for_update().get(pk=loan.pk)
    errors = repayment_problems(locked, paid_on, principal_fen, interest_fen, others_fen=None)
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    repayment = LoanRepayment.objects.create(
        loan=locked, paid_on=paid_on, principal_fen=principal_fen, interest_fen=interest_fen
    )
    record_change(actor, repayment, action=ChangeAction.CREATE, before=None)
    return repayment


def repayment_problems(
    loan: MicroLoan, paid_on: dt.date, principal_fen: int, interest_fen: int, *, others_fen: int | None
) -> dict[str, str]:
    """Why a repayment cannot be recorded; `others_fen` is the principal of the loan's other
    repayments (None: read them from the database)."""
    errors: dict[str, str] = {}
    if paid_on < loan.start_date:
        errors["paid_on"] = f"还款日期不能早于放款日期{loan.start_date:%Y-%m-%d}"
    if principal_fen == 0 and interest_fen == 0:
        errors["principal_fen"] = "本金和利息不能都为0"
    if others_fen is None:
        others = loan.repayments.exclude(paid_on=paid_on).aggregate(p=Sum("principal_fen"))["p"]
        others_fen = int(others or 0)
    owed = loan.amount_fen - others_fen
    if principal_fen > owed:
        errors["principal_fen"] = f"归还本金{yuan_text(principal_fen)}元超过尚欠本金{yuan_text(owed)}元"
    return errors
