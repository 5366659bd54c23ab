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
from fupin.industry.models import (
    BenefitLink,
    BusinessEntity,
    EntityKind,
    FeaturedIndustry,
    LinkIncome,
    LinkType,
)
from fupin.registry.models import Household, PovertyStatus

LINKABLE = (PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED, PovertyStatus.NON_POOR)


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


def link_dates_problem(signed_on: dt.date, ends_on: dt.date | None) -> str | None:
    if ends_on is not None and ends_on <= signed_on:
        return "协议到期日期须晚于签订日期"
    return None


def link_problems(
    scope: Scope, entity: BusinessEntity | None, household: Household | None, signed_on: dt.date
) -> dict[str, str]:
    """Field (entity_code, signed_on, household_code) → why the household cannot be linked to the
    entity: the ledger's and the page's rules."""
    errors: dict[str, str] = {}
    if entity is None:
        errors["entity_code"] = "主体编码不存在"
    elif signed_on < entity.established_on:
        errors["signed_on"] = f"早于该主体的成立日期{entity.established_on:%Y-%m-%d}"
    if household is None:
        errors["household_code"] = "户编号不存在"
    elif not may_manage_entities(scope, household.area_code):
        errors["household_code"] = "不在您的管辖范围内"
    elif household.poverty_status not in LINKABLE:
        label = PovertyStatus(household.poverty_status).label
        errors["household_code"] = f"该户脱贫属性为“{label}”，不能建立利益联结"
    return errors


def link_income_problems(scope: Scope, link: BenefitLink, year: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not may_manage_entities(scope, link.area_code):
        errors["household_code"] = "不在您的管辖范围内"
    if year < link.signed_on.year or (link.ends_on is not None and year > link.ends_on.year):
        errors["year"] = "不在利益联结协议的有效期内"
    return errors


def _link_refusals(
    scope: Scope,
    entity: BusinessEntity,
    household: Household,
    link_type: str,
    signed_on: dt.date,
    ends_on: dt.date | None,
) -> dict[str, str]:
    errors = link_problems(scope, entity, household, signed_on)
    if link_type not in LinkType.values:
        errors["link_type"] = "联结方式无效"
    problem = link_dates_problem(signed_on, ends_on)
    if problem is not None:
        errors["ends_on"] = problem
    return errors


@transaction.atomic
def link_create(
    *,
    actor: Actor,
    scope: Scope,
    entity: BusinessEntity,
    household: Household,
    link_type: str,
    signed_on: dt.date,
    ends_on: dt.date | None,
) -> BenefitLink:
    if not may_manage_entities(scope, household.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域户的利益联结")
    errors = _link_refusals(scope, entity, household, link_type, signed_on, ends_on)
    if BenefitLink.objects.filter(entity=entity, household=household).exists():
        errors["household_code"] = f"户 {household.code} 已与该主体联结，请修改原联结"
    _refuse(errors)
    link = BenefitLink.objects.create(
        entity=entity,
        household=household,
        area_code=household.area_code,
        link_type=link_type,
        signed_on=signed_on,
        ends_on=ends_on,
    )
    record_change(actor, link, action=ChangeAction.CREATE, before=None)
    return link


@transaction.atomic
def link_update(
    *,
    actor: Actor,
    scope: Scope,
    link: BenefitLink,
    expected_version: int | None,
    link_type: str,
    signed_on: dt.date,
    ends_on: dt.date | None,
) -> BenefitLink:
    """Correct a link's type and dates (the entity and household are its identity)."""
    if not may_manage_entities(scope, link.area_code):
        raise PermissionDenied("只有县扶贫办可以修改本区域户的利益联结")
    errors = _link_refusals(scope, link.entity, link.household, link_type, signed_on, ends_on)
    years = link.incomes.values_list("year", flat=True)
    outside = sorted(y for y in years if y < signed_on.year or (ends_on is not None and y > ends_on.year))
    if outside:
        errors["signed_on"] = f"{outside[0]}年已登记收益，协议期限须包含该年"
    _refuse(errors)
    return update_fields_checked(
        link,
        actor=actor,
        expected_version=expected_version,
        changes={"link_type": link_type, "signed_on": signed_on, "ends_on": ends_on},
    )


@transaction.atomic
def link_income_record(
    *,
    actor: Actor,
    scope: Scope,
    link: BenefitLink,
    year: int,
    income_fen: int,
    expected_version: int | None,
) -> LinkIncome:
    """The income a household received from the link in a year: new, or a correction of the year's
    record checked against `expected_version` (None: the year must have no record yet)."""
    if not may_manage_entities(scope, link.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域户的联结收益")
    errors = link_income_problems(scope, link, year)
    if income_fen < 0:
        errors["income"] = "实现收益不能为负数"
    stored = LinkIncome.objects.filter(link=link, year=year).first()
    if stored is not None and expected_version is None:
        errors["year"] = f"{year}年收益已登记，请刷新后修改"
    _refuse(errors)
    if stored is None:
        income = LinkIncome.objects.create(link=link, year=year, income_fen=income_fen)
        record_change(actor, income, action=ChangeAction.CREATE, before=None)
        return income
    return update_fields_checked(
        stored, actor=actor, expected_version=expected_version, changes={"income_fen": income_fen}
    )
