"""Writes of featured industries and of the households' industries.

The county office keeps the county's list (page or ledger) and imports households' industries by
year from the village ledgers. A household's industry takes the household's current village as its
area, so that area counts need no join. Every write is audited; a page edit checks its version.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from fupin.areas.models import Area, AreaLevel
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.industry.models import FeaturedIndustry, HouseholdIndustry, ScaleUnit


def may_manage_industries(scope: Scope, county_code: str) -> bool:
    return scope.can_manage and scope.covers_code(county_code)


def _industry_refusals(county: Area, name: str, scale_unit: str, exclude: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if county.level != AreaLevel.COUNTY:
        errors["county"] = "特色产业按县设置"
    if not name.strip():
        errors["name"] = "请填写产业名称"
    if scale_unit not in ScaleUnit.values:
        errors["scale_unit"] = "规模单位无效"
    same = FeaturedIndustry.objects.filter(county=county, name=name.strip())
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if name.strip() and same.exists():
        errors["name"] = f"本县已有产业“{name.strip()}”"
    return errors


@transaction.atomic
def featured_industry_create(
    *,
    actor: Actor,
    scope: Scope,
    county: Area,
    code: str,
    name: str,
    scale_unit: str,
    medium_long_term: bool,
    order: int = 0,
) -> FeaturedIndustry:
    if not may_manage_industries(scope, county.code):
        raise PermissionDenied("只有县扶贫办可以维护本县的特色产业")
    errors = _industry_refusals(county, name, scale_unit, exclude=None)
    if not code.strip():
        errors["code"] = "请填写产业编码"
    elif FeaturedIndustry.objects.filter(code=code.strip()).exists():
        errors["code"] = f"产业编码“{code.strip()}”已被使用"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    industry = FeaturedIndustry.objects.create(
        county=county,
        code=code.strip(),
        name=name.strip(),
        scale_unit=scale_unit,
        medium_long_term=medium_long_term,
        order=order,
    )
    record_change(actor, industry, action=ChangeAction.CREATE, before=None)
    return industry


@transaction.atomic
def featured_industry_update(
    *, actor: Actor, scope: Scope, industry: FeaturedIndustry, expected_version: int | None, **changes: Any
) -> FeaturedIndustry:
    if not may_manage_industries(scope, industry.county.code):
        raise PermissionDenied("只有县扶贫办可以维护本县的特色产业")
    unknown = set(changes) - {"name", "scale_unit", "medium_long_term", "order"}
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    errors = _industry_refusals(
        industry.county,
        str(changes.get("name", industry.name)),
        str(changes.get("scale_unit", industry.scale_unit)),
        exclude=industry.pk,
    )
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
    return update_fields_checked(industry, actor=actor, expected_version=expected_version, changes=changes)


def featured_industries_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(FeaturedIndustry, key="code", rows=rows, actor=actor, select_related=("county",))


def household_industries_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Rows carry household, industry, year and scale; the area is the household's village."""
    prepared = [row | {"area_code": row["household"].area_code} for row in rows]
    return bulk_upsert(
        HouseholdIndustry,
        key_fields=("household", "industry", "year"),
        rows=prepared,
        actor=actor,
        select_related=("household", "industry"),
    )
