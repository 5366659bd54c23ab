"""Writes of mutual-aid associations and their loans, from the villages' ledgers, and the amount an
association has lent out on a day (loans made and not yet repaid). The county office also enters
and corrects (versioned) an association and its loans on the page, under the ledger's rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from fupin.areas.models import Area, AreaLevel
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.industry.models import MUTUAL_AID_MAX_MONTHS, MutualAidAssociation, MutualAidLoan
from fupin.industry.money import yuan_text
from fupin.industry.services.finance import add_months
from fupin.registry.models import Household


def may_manage_mutual_aid(scope: Scope, area_code: str) -> bool:
    return scope.can_manage and scope.covers_code(area_code)


def association_problems(scope: Scope, village: Area | None, fund_fen: int) -> dict[str, str]:
    """Field (village_code, fund) → why an association cannot be kept (the ledger's and the page's
    rules)."""
    errors: dict[str, str] = {}
    if fund_fen <= 0:
        errors["fund"] = "资金总额须大于0"
    if village is None or village.level != AreaLevel.VILLAGE:
        errors["village_code"] = "须是已有的村级区划代码"
    elif not may_manage_mutual_aid(scope, village.code):
        errors["village_code"] = "不在您的管辖范围内"
    return errors


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


@transaction.atomic
def association_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    name: str,
    village: Area | None,
    fund_fen: int,
    established_on: dt.date,
) -> MutualAidAssociation:
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记互助资金协会")
    errors = association_problems(scope, village, fund_fen)
    if not name.strip():
        errors["name"] = "请填写协会名称"
    if not code.strip():
        errors["code"] = "请填写协会编码"
    elif MutualAidAssociation.objects.filter(code=code.strip()).exists():
        errors["code"] = f"协会编码“{code.strip()}”已被使用"
    _refuse(errors)
    assert village is not None
    association = MutualAidAssociation.objects.create(
        code=code.strip(),
        name=name.strip(),
        village=village,
        area_code=village.code,
        fund_fen=fund_fen,
        established_on=established_on,
    )
    record_change(actor, association, action=ChangeAction.CREATE, before=None)
    return association


@transaction.atomic
def association_update(
    *,
    actor: Actor,
    scope: Scope,
    association: MutualAidAssociation,
    expected_version: int | None,
    name: str,
    fund_fen: int,
    established_on: dt.date,
) -> MutualAidAssociation:
    """Correct an association's name, fund and date (its code and village are its identity); the
    fund cannot fall below what was out on loan on any day."""
    if not may_manage_mutual_aid(scope, association.area_code):
        raise PermissionDenied("只有县扶贫办可以修改本区域的互助资金协会")
    errors = association_problems(scope, association.village, fund_fen)
    if not name.strip():
        errors["name"] = "请填写协会名称"
    days = set(association.loans.values_list("lent_on", flat=True))
    most = max((lent_out(association, day, set()) for day in days), default=0)
    if "fund" not in errors and most > fund_fen:
        errors["fund"] = f"曾同时借出{yuan_text(most)}元，资金总额不能更少"
    _refuse(errors)
    return update_fields_checked(
        association,
        actor=actor,
        expected_version=expected_version,
        changes={"name": name.strip(), "fund_fen": fund_fen, "established_on": established_on},
    )


def associations_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["village"].code} for row in rows]
    return bulk_upsert(MutualAidAssociation, key="code", rows=prepared, actor=actor)


def mutual_aid_loans_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["household"].area_code} for row in rows]
    return bulk_upsert(
        MutualAidLoan, key="code", rows=prepared, actor=actor, select_related=("association", "household")
    )


def lent_out(association: MutualAidAssociation, on: dt.date, leave_out: set[str]) -> int:
    """Principal out on loan at the end of `on`, leaving out the loans being rewritten."""
    total = (
        MutualAidLoan.objects.filter(association=association, lent_on__lte=on)
        .filter(Q(repaid_on__isnull=True) | Q(repaid_on__gt=on))
        .exclude(code__in=leave_out)
        .aggregate(fen=Sum("amount_fen"))["fen"]
    )
    return int(total or 0)


def loan_terms_problems(
    amount_fen: int, lent_on: dt.date, due_on: dt.date, repaid_on: dt.date | None
) -> dict[str, str]:
    """Field (amount, due_on, repaid_on) → why a mutual-aid loan's terms are wrong."""
    errors: dict[str, str] = {}
    if amount_fen <= 0:
        errors["amount"] = "借款金额须大于0"
    if due_on <= lent_on:
        errors["due_on"] = "约定还款日期须晚于借款日期"
    elif due_on > add_months(lent_on, MUTUAL_AID_MAX_MONTHS):
        errors["due_on"] = "互助资金借款期限不超过12个月"
    if repaid_on is not None and repaid_on < lent_on:
        errors["repaid_on"] = "还清日期不能早于借款日期"
    return errors


def loan_party_problems(
    scope: Scope, association: MutualAidAssociation | None, household: Household | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if association is None:
        errors["association_code"] = "协会编码不存在"
    elif not may_manage_mutual_aid(scope, association.area_code):
        errors["association_code"] = "不在您的管辖范围内"
    if household is None:
        errors["household_code"] = "户编号不存在"
    elif association is not None and household.area_code != association.area_code:
        errors["household_code"] = "不是该协会所在村的户"
    return errors


@dataclass(frozen=True)
class ProposedLoan:
    amount_fen: int
    lent_on: dt.date
    repaid_on: dt.date | None


def _out_on(loan: ProposedLoan, day: dt.date) -> bool:
    return loan.lent_on <= day and (loan.repaid_on is None or loan.repaid_on > day)


def fund_overrun(
    association: MutualAidAssociation, proposed: Sequence[ProposedLoan], leave_out: set[str]
) -> tuple[int, str] | None:
    """On the day of each proposed loan, and of each stored loan made later (a new loan may crowd
    out one already made), what the association has out stays within its fund: else the index of
    the proposed loan to blame and why. `leave_out`: codes of stored loans being rewritten."""
    if not proposed:
        return None
    order = sorted(range(len(proposed)), key=lambda i: proposed[i].lent_on)
    first = proposed[order[0]].lent_on
    later = MutualAidLoan.objects.filter(association=association, lent_on__gte=first).exclude(
        code__in=leave_out
    )
    days = sorted({p.lent_on for p in proposed} | set(later.values_list("lent_on", flat=True)))
    for day in days:
        active = [i for i in order if _out_on(proposed[i], day)]
        if not active:
            continue
        total = lent_out(association, day, leave_out) + sum(proposed[i].amount_fen for i in active)
        if total > association.fund_fen:
            return active[-1], (
                f"{day:%Y-%m-%d}协会在借合计{yuan_text(total)}元，超过资金总额{yuan_text(association.fund_fen)}元"
            )
    return None


def _loan_refusals(
    scope: Scope,
    association: MutualAidAssociation,
    household: Household,
    *,
    code: str,
    amount_fen: int,
    lent_on: dt.date,
    due_on: dt.date,
    repaid_on: dt.date | None,
) -> dict[str, str]:
    errors = loan_party_problems(scope, association, household) | loan_terms_problems(
        amount_fen, lent_on, due_on, repaid_on
    )
    if not errors:
        overrun = fund_overrun(association, [ProposedLoan(amount_fen, lent_on, repaid_on)], {code})
        if overrun is not None:
            errors["amount"] = overrun[1]
    return errors


@transaction.atomic
def mutual_aid_loan_create(
    *,
    actor: Actor,
    scope: Scope,
    association: MutualAidAssociation,
    code: str,
    household: Household,
    amount_fen: int,
    lent_on: dt.date,
    due_on: dt.date,
    repaid_on: dt.date | None,
) -> MutualAidLoan:
    if not may_manage_mutual_aid(scope, association.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域的互助资金借款")
    locked = MutualAidAssociation.objects.select_for_update().get(pk=association.pk)
    errors = _loan_refusals(
        scope,
        locked,
        household,
        code=code.strip(),
        amount_fen=amount_fen,
        lent_on=lent_on,
        due_on=due_on,
        repaid_on=repaid_on,
    )
    if not code.strip():
        errors["code"] = "请填写借款编号"
    elif MutualAidLoan.objects.filter(code=code.strip()).exists():
        errors["code"] = f"借款编号“{code.strip()}”已被使用"
    _refuse(errors)
    loan = MutualAidLoan.objects.create(
        code=code.strip(),
        association=locked,
        household=household,
        area_code=household.area_code,
        amount_fen=amount_fen,
        lent_on=lent_on,
        due_on=due_on,
        repaid_on=repaid_on,
    )
    record_change(actor, loan, action=ChangeAction.CREATE, before=None)
    return loan


@transaction.atomic
def mutual_aid_loan_update(
    *,
    actor: Actor,
    scope: Scope,
    loan: MutualAidLoan,
    expected_version: int | None,
    amount_fen: int,
    lent_on: dt.date,
    due_on: dt.date,
    repaid_on: dt.date | None,
) -> MutualAidLoan:
    """Correct a loan or record that it was repaid (its code, association and household are its
    identity)."""
    if not may_manage_mutual_aid(scope, loan.area_code):
        raise PermissionDenied("只有县扶贫办可以修改本区域的互助资金借款")
    locked = MutualAidAssociation.objects.select_for_update().get(pk=loan.association_id)
    _refuse(
        _loan_refusals(
            scope,
            locked,
            loan.household,
            code=loan.code,
            amount_fen=amount_fen,
            lent_on=lent_on,
            due_on=due_on,
            repaid_on=repaid_on,
        )
    )
    return update_fields_checked(
        loan,
        actor=actor,
        expected_version=expected_version,
        changes={"amount_fen": amount_fen, "lent_on": lent_on, "due_on": due_on, "repaid_on": repaid_on},
    )
