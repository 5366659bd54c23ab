"""Writes of business entities and their benefit links (利益联结), from the county's ledgers: the
entities, each link with its agreement dates, and the yearly income a household received from a
link. Links and incomes take the household's village as their area. The county office also enters
and corrects (versioned) one entity on the page, under the ledger's rules (entity_problems)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from fupin.areas.models import Area
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.industry.models import BenefitLink, BusinessEntity, EntityKind, FeaturedIndustry, LinkIncome


def may_manage_entities(scope: Scope, area_code: str) -> bool:
    return scope.can_manage and scope.covers_code(area_code)


def entity_problems(scope: Scope, area: Area | None) -> dict[str, str]:
    """Field → why an entity cannot be kept in `area` (the ledger's and the page's rule)."""
    if area is None:
        return {"area_code": "区划代码不存在"}
    if not may_manage_entities(scope, area.code):
        return {"area_code": "不在您的管辖范围内"}
    return {}


def _entity_refusals(scope: Scope, *, name: str, kind: str, area: Area) -> dict[str, str]:
    errors = entity_problems(scope, area)
    if not name.strip():
        errors["name"] = "请填写主体名称"
    if kind not in EntityKind.values:
        errors["kind"] = "主体类型无效"
    return errors


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


@transaction.atomic
def entity_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    name: str,
    kind: str,
    area: Area,
    industry: FeaturedIndustry | None,
    established_on: dt.date,
) -> BusinessEntity:
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记经营主体")
    errors = _entity_refusals(scope, name=name, kind=kind, area=area)
    if not code.strip():
        errors["code"] = "请填写主体编码"
    elif BusinessEntity.objects.filter(code=code.strip()).exists():
        errors["code"] = f"主体编码“{code.strip()}”已被使用"
    _refuse(errors)
    entity = BusinessEntity.objects.create(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        area=area,
        area_code=area.code,
        industry=industry,
        established_on=established_on,
    )
    record_change(actor, entity, action=ChangeAction.CREATE, before=None)
    return entity


@transaction.atomic
def entity_update(
    *,
    actor: Actor,
    scope: Scope,
    entity: BusinessEntity,
    expected_version: int | None,
    name: str,
    kind: str,
    area: Area,
    industry: FeaturedIndustry | None,
    established_on: dt.date,
) -> BusinessEntity:
    """Correct an entity (its code is its identity)."""
    if not may_manage_entities(scope, entity.area_code):
        raise PermissionDenied("只有县扶贫办可以修改本区域的经营主体")
    _refuse(_entity_refusals(scope, name=name, kind=kind, area=area))
    changes = {
        "name": name.strip(),
        "kind": kind,
        "area": area,
        "area_code": area.code,
        "industry": industry,
        "established_on": established_on,
    }
    return update_fields_checked(entity, actor=actor, expected_version=expected_version, changes=changes)


def entities_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["area"].code} for row in rows]
    return bulk_upsert(BusinessEntity, key="code", rows=prepared, actor=actor, select_related=("industry",))


def links_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["household"].area_code} for row in rows]
    return bulk_upsert(
        BenefitLink,
        key_fields=("entity", "household"),
        rows=prepared,
        actor=actor,
        select_related=("entity", "household"),
    )


def link_incomes_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(LinkIncome, key_fields=("link", "year"), rows=rows, actor=actor)
