"""Writes of mutual-aid associations and their loans, from the villages' ledgers, and the amount an
association has lent out on a day (loans made and not yet repaid). The county office also enters
and corrects (versioned) an association on the page, under the ledger's rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from fupin.areas.models import Area, AreaLevel
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.industry.models import MutualAidAssociation, MutualAidLoan
from fupin.industry.money import yuan_text


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
