"""Writes of featured industries and of the households' industries.

The county office keeps the county's list (page or ledger) and imports households' industries by
year from the village ledgers, or enters and corrects one household's industry on the page under the
same rules (household_industry_problems). A household's industry takes the household's current village as its
area, so that area counts need no join. Every write is audited; a page edit checks its version.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area, AreaLevel
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.industry.models import FeaturedIndustry, HouseholdIndustry, ScaleUnit
from fupin.registry.models import Household, PovertyStatus

# Cancelled and newly identified households take no industry records.
NOT_RECORDED = (PovertyStatus.CANCELLED, PovertyStatus.NEW)


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


def household_industry_problems(
    scope: Scope, household: Household | None, industry: FeaturedIndustry | None, year: int | None
) -> dict[str, str]:
    """Field (household_code, industry_code, year) → why the household cannot be recorded in the
    industry in the year: the ledger's and the page's rules."""
    errors: dict[str, str] = {}
    if household is None:
        errors["household_code"] = "户编号不存在"
    elif not scope.covers_code(household.area_code):
        errors["household_code"] = "不在您的管辖范围内"
    elif household.poverty_status in NOT_RECORDED:
        label = PovertyStatus(household.poverty_status).label
        errors["household_code"] = f"该户脱贫属性为“{label}”，不能登记产业"
    if industry is None:
        errors["industry_code"] = "产业编码不存在"
    elif household is not None and household.area_code[:6] != industry.county.code[:6]:
        errors["industry_code"] = "不是该户所在县的特色产业"
    problem = industry_year_problem(year) if year is not None else None
    if problem is not None:
        errors["year"] = problem
    return errors


def industry_year_problem(year: int) -> str | None:
    return "年度不能晚于今年" if year > timezone.localdate().year else None


def _scale_problems(scale: Decimal) -> dict[str, str]:
    return {"scale": "规模须大于0"} if scale <= 0 else {}


@transaction.atomic
def household_industry_create(
    *,
    actor: Actor,
    scope: Scope,
    household: Household,
    industry: FeaturedIndustry,
    year: int,
    scale: Decimal,
) -> HouseholdIndustry:
    """One household's industry in a year, entered on the page."""
    if not may_manage_industries(scope, household.area_code):
        raise PermissionDenied("只有县扶贫办可以登记本区域户的产业")
    errors = household_industry_problems(scope, household, industry, year) | _scale_problems(scale)
    if HouseholdIndustry.objects.filter(household=household, industry=industry, year=year).exists():
        errors["household_code"] = f"该户{year}年已登记“{industry.name}”，请修改该条记录"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    record = HouseholdIndustry.objects.create(
        household=household, industry=industry, year=year, scale=scale, area_code=household.area_code
    )
    record_change(actor, record, action=ChangeAction.CREATE, before=None)
    return record


@transaction.atomic
def household_industry_update(
    *, actor: Actor, scope: Scope, record: HouseholdIndustry, expected_version: int | None, scale: Decimal
) -> HouseholdIndustry:
    """Correct the scale (household, industry and year are the record's identity)."""
    if not may_manage_industries(scope, record.area_code):
        raise PermissionDenied("只有县扶贫办可以修改本区域户的产业")
    errors = _scale_problems(scale)
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)
    return update_fields_checked(
        record, actor=actor, expected_version=expected_version, changes={"scale": scale}
    )
