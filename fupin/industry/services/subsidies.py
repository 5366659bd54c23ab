"""The household industry subsidy workflow (以奖代补): apply → accept (验收, amount by the tiered
standard) → publicise (公示) → pay (兑付, not before the publicity period has run).

The county office records every step; a town official may also record the acceptance of its
villages' projects. The same order checks (`stage_problems`) judge a step on the page and a row
of the subsidies ledger, so both refuse the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert
from fupin.core.exceptions import ApplicationError, ConflictError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.industry.models import (
    PUBLICITY_DAYS,
    FeaturedIndustry,
    HouseholdSubsidy,
    SubsidyStandard,
    SubsidyStatus,
)
from fupin.industry.money import yuan_text
from fupin.registry.models import Household, PovertyStatus

ELIGIBLE = (PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED, PovertyStatus.NON_POOR)
STALE = "该补助记录已被他人修改，请刷新后重新操作（未保存您的修改）。"


def may_manage_subsidies(scope: Scope, area_code: str) -> bool:
    return scope.can_manage and scope.covers_code(area_code)


def may_accept(scope: Scope, area_code: str) -> bool:
    """Acceptance (验收) is the town's job as much as the county office's."""
    return scope.covers_code(area_code) and (scope.can_manage or scope.role == Role.TOWN_OFFICIAL)


def standard_amount(industry: FeaturedIndustry, year: int, scale: Decimal) -> int | None:
    """The amount of the highest tier whose starting scale `scale` reaches; None below every tier."""
    tier = (
        SubsidyStandard.objects.filter(industry=industry, year=year, min_scale__lte=scale)
        .order_by("-min_scale")
        .first()
    )
    return tier.amount_fen if tier else None


def stage_problems(values: dict[str, Any], today: dt.date) -> dict[str, str]:
    """Field → reason for dates and scales out of the workflow's order (applied_on, accepted_on,
    accepted_scale, passed, publicised_on, paid_on)."""
    errors: dict[str, str] = {}
    applied, accepted = values.get("applied_on"), values.get("accepted_on")
    publicised, paid = values.get("publicised_on"), values.get("paid_on")
    for name, day in (
        ("applied_on", applied),
        ("accepted_on", accepted),
        ("publicised_on", publicised),
        ("paid_on", paid),
    ):
        if day is not None and day > today:
            errors[name] = "日期不能晚于今天"
    if accepted is not None and applied is not None and accepted < applied:
        errors["accepted_on"] = "验收日期不能早于申请日期"
    if accepted is not None and values.get("passed", True) and values.get("accepted_scale") is None:
        errors["accepted_scale"] = "验收通过须填写验收规模"
    if publicised is not None:
        if accepted is None or not values.get("passed", True):
            errors["publicised_on"] = "以奖代补：验收通过后才能公示"
        elif publicised < accepted:
            errors["publicised_on"] = "公示日期不能早于验收日期"
    if paid is not None:
        if publicised is None:
            errors["paid_on"] = "以奖代补：验收、公示后才能兑付"
        elif paid < publicised + dt.timedelta(days=PUBLICITY_DAYS):
            errors["paid_on"] = f"公示期{PUBLICITY_DAYS}天未满，不能兑付"
    return errors


def subsidy_standards_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(
        SubsidyStandard,
        key_fields=("industry", "year", "min_scale"),
        rows=rows,
        actor=actor,
        select_related=("industry",),
    )


def subsidies_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Ledger rows, checked by the ledger with stage_problems; the area is the household's village."""
    prepared = [row | {"area_code": row["household"].area_code} for row in rows]
    return bulk_upsert(
        HouseholdSubsidy, key="code", rows=prepared, actor=actor, select_related=("household", "industry")
    )


def status_of(values: dict[str, Any]) -> str:
    if values.get("paid_on"):
        return SubsidyStatus.PAID
    if values.get("publicised_on"):
        return SubsidyStatus.PUBLICISED
    if values.get("accepted_on"):
        return SubsidyStatus.ACCEPTED if values.get("passed", True) else SubsidyStatus.REJECTED
    return SubsidyStatus.APPLIED


@transaction.atomic
def subsidy_apply(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    household: Household,
    industry: FeaturedIndustry,
    year: int,
    project: str,
    planned_scale: Decimal,
    applied_on: dt.date,
) -> HouseholdSubsidy:
    if not may_manage_subsidies(scope, household.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域的产业补助申请")
    errors = stage_problems({"applied_on": applied_on}, timezone.localdate())
    if household.poverty_status not in ELIGIBLE:
        errors["household"] = (
            f"户 {household.code} 的脱贫属性为“{PovertyStatus(household.poverty_status).label}”，不能申请"
        )
    if household.area_code[:6] != industry.county.code[:6]:
        errors["industry"] = "不是该户所在县的特色产业"
    if planned_scale <= 0:
        errors["planned_scale"] = "计划规模须大于0"
    if not project.strip():
        errors["project"] = "请填写建设内容"
    if HouseholdSubsidy.objects.filter(code=code.strip()).exists():
        errors["code"] = f"补助编号“{code.strip()}”已被使用"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    subsidy = HouseholdSubsidy.objects.create(
        code=code.strip(),
        household=household,
        area_code=household.area_code,
        industry=industry,
        year=year,
        project=project.strip(),
        planned_scale=planned_scale,
        applied_on=applied_on,
    )
    record_change(actor, subsidy, action=ChangeAction.CREATE, before=None)
    return subsidy


def _locked(
    subsidy: HouseholdSubsidy, expected_version: int | None, wanted: SubsidyStatus
) -> HouseholdSubsidy:
    locked = (
        HouseholdSubsidy.objects.select_for_update()
        .select_related("household", "industry")
        .get(pk=subsidy.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(STALE)
    if locked.status != wanted:
        raise ApplicationError(f"该补助当前状态为“{locked.get_status_display()}”，不能进行此操作")
    return locked


def _step(actor: Actor, locked: HouseholdSubsidy, changes: dict[str, Any]) -> HouseholdSubsidy:
    values = {
        f: getattr(locked, f)
        for f in ("applied_on", "accepted_on", "accepted_scale", "publicised_on", "paid_on")
    }
    values |= changes
    values["passed"] = (changes.get("status") or locked.status) != SubsidyStatus.REJECTED
    errors = stage_problems(values, timezone.localdate())
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    before = locked.audit_snapshot()
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def subsidy_accept(
    *,
    actor: Actor,
    scope: Scope,
    subsidy: HouseholdSubsidy,
    expected_version: int | None,
    accepted_on: dt.date,
    passed: bool,
    accepted_scale: Decimal | None,
    notes: str = "",
) -> HouseholdSubsidy:
    """验收: passed with the scale built (the amount follows the standard), or not passed."""
    if not may_accept(scope, subsidy.area_code):
        raise PermissionDenied("只有县扶贫办和乡镇可以验收本区域的产业项目")
    locked = _locked(subsidy, expected_version, SubsidyStatus.APPLIED)
    amount = None
    if passed:
        if accepted_scale is None or accepted_scale <= 0:
            raise ApplicationError(
                "请填写验收规模", field_errors={"accepted_scale": "验收通过须填写验收规模"}
            )
        amount = standard_amount(locked.industry, locked.year, accepted_scale)
        if amount is None:
            message = (
                f"验收规模{accepted_scale}未达到{locked.year}年{locked.industry.name}的最低补助标准，"
                "请按“验收未通过”处理"
            )
            raise ApplicationError(message, field_errors={"accepted_scale": message})
    return _step(
        actor,
        locked,
        {
            "status": SubsidyStatus.ACCEPTED if passed else SubsidyStatus.REJECTED,
            "accepted_on": accepted_on,
            "accepted_scale": accepted_scale if passed else None,
            "acceptance_notes": notes.strip(),
            "amount_fen": amount,
        },
    )


@transaction.atomic
def subsidy_publicise(
    *,
    actor: Actor,
    scope: Scope,
    subsidy: HouseholdSubsidy,
    expected_version: int | None,
    publicised_on: dt.date,
) -> HouseholdSubsidy:
    if not may_manage_subsidies(scope, subsidy.area_code):
        raise PermissionDenied("只有县扶贫办可以公示产业补助")
    locked = _locked(subsidy, expected_version, SubsidyStatus.ACCEPTED)
    return _step(actor, locked, {"status": SubsidyStatus.PUBLICISED, "publicised_on": publicised_on})


@transaction.atomic
def subsidy_pay(
    *, actor: Actor, scope: Scope, subsidy: HouseholdSubsidy, expected_version: int | None, paid_on: dt.date
) -> HouseholdSubsidy:
    if not may_manage_subsidies(scope, subsidy.area_code):
        raise PermissionDenied("只有县扶贫办可以兑付产业补助")
    locked = _locked(subsidy, expected_version, SubsidyStatus.PUBLICISED)
    return _step(actor, locked, {"status": SubsidyStatus.PAID, "paid_on": paid_on})


def amount_text(subsidy: HouseholdSubsidy) -> str:
    return "" if subsidy.amount_fen is None else yuan_text(subsidy.amount_fen)
