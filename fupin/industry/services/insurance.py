"""Writes of industry insurance (policies and claims) from the insurers' ledgers, and the county
office's pages that enter or correct (versioned) one policy or claim under the ledger's rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Sum

from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.industry.models import FeaturedIndustry, InsuranceClaim, InsurancePolicy
from fupin.industry.money import yuan_text
from fupin.registry.models import Household, PovertyStatus

INSURABLE = (PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED, PovertyStatus.NON_POOR)


def may_manage_insurance(scope: Scope, area_code: str) -> bool:
    return scope.can_manage and scope.covers_code(area_code)


def policy_problems(
    *, sum_insured_fen: int, premium_fen: int, premium_subsidy_fen: int, starts_on: dt.date, ends_on: dt.date
) -> dict[str, str]:
    """Field → why a policy's amounts or period are wrong (the ledger's and the page's rules)."""
    errors: dict[str, str] = {}
    if sum_insured_fen <= 0:
        errors["sum_insured_fen"] = "保险金额须大于0"
    if premium_fen <= 0:
        errors["premium_fen"] = "保费须大于0"
    elif premium_subsidy_fen > premium_fen:
        errors["premium_subsidy_fen"] = "财政补贴不能超过保费"
    if ends_on <= starts_on:
        errors["ends_on"] = "保险止期须晚于起期"
    return errors


def policy_household_problems(
    scope: Scope, household: Household | None, industry: FeaturedIndustry | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if household is None:
        errors["household_code"] = "户编号不存在"
    elif not may_manage_insurance(scope, household.area_code):
        errors["household_code"] = "不在您的管辖范围内"
    elif household.poverty_status not in INSURABLE:
        label = PovertyStatus(household.poverty_status).label
        errors["household_code"] = f"该户脱贫属性为“{label}”，不能参保"
    if industry is None:
        errors["industry_code"] = "产业编码不存在"
    return errors


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


@transaction.atomic
def policy_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    household: Household,
    insurer: str,
    industry: FeaturedIndustry,
    sum_insured_fen: int,
    premium_fen: int,
    premium_subsidy_fen: int,
    starts_on: dt.date,
    ends_on: dt.date,
) -> InsurancePolicy:
    if not may_manage_insurance(scope, household.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域的保单")
    errors = policy_household_problems(scope, household, industry) | policy_problems(
        sum_insured_fen=sum_insured_fen,
        premium_fen=premium_fen,
        premium_subsidy_fen=premium_subsidy_fen,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if not insurer.strip():
        errors["insurer"] = "请填写保险公司"
    if not code.strip():
        errors["code"] = "请填写保单号"
    elif InsurancePolicy.objects.filter(code=code.strip()).exists():
        errors["code"] = f"保单号“{code.strip()}”已被使用"
    _refuse(errors)
    policy = InsurancePolicy.objects.create(
        code=code.strip(),
        household=household,
        area_code=household.area_code,
        insurer=insurer.strip(),
        industry=industry,
        sum_insured_fen=sum_insured_fen,
        premium_fen=premium_fen,
        premium_subsidy_fen=premium_subsidy_fen,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    record_change(actor, policy, action=ChangeAction.CREATE, before=None)
    return policy


@transaction.atomic
def policy_update(
    *,
    actor: Actor,
    scope: Scope,
    policy: InsurancePolicy,
    expected_version: int | None,
    insurer: str,
    industry: FeaturedIndustry,
    sum_insured_fen: int,
    premium_fen: int,
    premium_subsidy_fen: int,
    starts_on: dt.date,
    ends_on: dt.date,
) -> InsurancePolicy:
    """Correct a policy (its number and household are its identity); the claims already paid must
    stay within the sum insured and the period."""
    if not may_manage_insurance(scope, policy.area_code):
        raise PermissionDenied("只有县扶贫办可以修改本区域的保单")
    errors = policy_household_problems(scope, policy.household, industry) | policy_problems(
        sum_insured_fen=sum_insured_fen,
        premium_fen=premium_fen,
        premium_subsidy_fen=premium_subsidy_fen,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if not insurer.strip():
        errors["insurer"] = "请填写保险公司"
    paid = paid_elsewhere(policy, set())
    if paid > sum_insured_fen:
        errors["sum_insured_fen"] = f"已赔付{yuan_text(paid)}元，保险金额不能更少"
    outside = policy.claims.exclude(occurred_on__gte=starts_on, occurred_on__lte=ends_on).first()
    if outside is not None:
        errors["starts_on"] = f"{outside.occurred_on:%Y-%m-%d}的理赔须在保险期间内"
    _refuse(errors)
    return update_fields_checked(
        policy,
        actor=actor,
        expected_version=expected_version,
        changes={
            "insurer": insurer.strip(),
            "industry": industry,
            "sum_insured_fen": sum_insured_fen,
            "premium_fen": premium_fen,
            "premium_subsidy_fen": premium_subsidy_fen,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )


def policies_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["household"].area_code} for row in rows]
    return bulk_upsert(
        InsurancePolicy, key="code", rows=prepared, actor=actor, select_related=("household", "industry")
    )


def claims_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(
        InsuranceClaim,
        key_fields=("policy", "occurred_on"),
        rows=rows,
        actor=actor,
        select_related=("policy",),
    )


def paid_elsewhere(policy: InsurancePolicy, leave_out_dates: set[Any]) -> int:
    """Claims already paid on the policy, other than those being rewritten."""
    total = (
        InsuranceClaim.objects.filter(policy=policy)
        .exclude(occurred_on__in=leave_out_dates)
        .aggregate(fen=Sum("paid_fen"))["fen"]
    )
    return int(total or 0)


def claim_amount_problems(occurred_on: dt.date, paid_on: dt.date, paid_fen: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if paid_fen <= 0:
        errors["paid"] = "赔付金额须大于0"
    if paid_on < occurred_on:
        errors["paid_on"] = "赔付日期不能早于出险日期"
    return errors


def claim_policy_problems(scope: Scope, policy: InsurancePolicy, occurred_on: dt.date) -> dict[str, str]:
    if not may_manage_insurance(scope, policy.area_code):
        return {"policy_code": "不在您的管辖范围内"}
    if not policy.starts_on <= occurred_on <= policy.ends_on:
        return {"occurred_on": f"不在保险期间（{policy.starts_on:%Y-%m-%d}至{policy.ends_on:%Y-%m-%d}）内"}
    return {}


def claims_total_problem(policy: InsurancePolicy, total_fen: int) -> str | None:
    if total_fen > policy.sum_insured_fen:
        return f"累计赔付{yuan_text(total_fen)}元超过保险金额{yuan_text(policy.sum_insured_fen)}元"
    return None


@transaction.atomic
def claim_record(
    *,
    actor: Actor,
    scope: Scope,
    policy: InsurancePolicy,
    occurred_on: dt.date,
    cause: str,
    paid_on: dt.date,
    paid_fen: int,
    claim: InsuranceClaim | None = None,
    expected_version: int | None = None,
) -> InsuranceClaim:
    """A claim paid on the policy: new (`claim` None) or a correction checked against its version."""
    if not may_manage_insurance(scope, policy.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域的理赔")
    locked = InsurancePolicy.objects.select_for_update().get(pk=policy.pk)
    errors = claim_amount_problems(occurred_on, paid_on, paid_fen) | claim_policy_problems(
        scope, locked, occurred_on
    )
    if not cause.strip():
        errors["cause"] = "请填写出险原因"
    others = InsuranceClaim.objects.filter(policy=locked)
    if claim is not None:
        others = others.exclude(pk=claim.pk)
    if others.filter(occurred_on=occurred_on).exists():
        errors["occurred_on"] = f"{occurred_on:%Y-%m-%d}已有理赔记录，请修改该条"
    total = int(others.aggregate(fen=Sum("paid_fen"))["fen"] or 0) + max(paid_fen, 0)
    problem = claims_total_problem(locked, total)
    if problem is not None:
        errors["paid"] = problem
    _refuse(errors)
    values = {"occurred_on": occurred_on, "cause": cause.strip(), "paid_on": paid_on, "paid_fen": paid_fen}
    if claim is None:
        created = InsuranceClaim.objects.create(policy=locked, **values)
        record_change(actor, created, action=ChangeAction.CREATE, before=None)
        return created
    if claim.policy_id != locked.pk:
        raise ApplicationError("该理赔不属于此保单")
    return update_fields_checked(claim, actor=actor, expected_version=expected_version, changes=values)
