"""Single-record edits from the household file: income line items, household conditions, members.

Bulk writes from the ledgers are households.py's; status changes are lifecycle.py's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fupin.core import phone
from fupin.core.audit import Actor, change_entry, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.core.text import pinyin_key
from fupin.registry.models import (
    Health,
    Household,
    HouseholdCategory,
    HousingStructure,
    IncomeItem,
    IncomeKind,
    Labour,
    Member,
    MigrantWork,
    PovertyCause,
    RelocationMode,
    Sex,
)
from fupin.registry.procedures import Level
from fupin.registry.risk import counted_net_income, per_capita
from fupin.registry.services.lifecycle import causes_field, check_may_act, other_causes_error

FIRST_YEAR = 2013


@dataclass(frozen=True)
class IncomeLine:
    kind: str
    amount: Decimal
    note: str = ""


def _check_income_lines(year: int, lines: Sequence[IncomeLine]) -> None:
    errors: dict[str, str] = {}
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        errors["year"] = f"年度应在{FIRST_YEAR}年至今年之间"
    kinds = [line.kind for line in lines]
    for line in lines:
        if line.kind not in IncomeKind.values:
            errors[line.kind] = f"未知的收支项目“{line.kind}”"
        elif line.amount < 0:
            errors[line.kind] = f"{IncomeKind(line.kind).label}的金额不能为负数"
        elif line.amount >= Decimal("1e10"):
            errors[line.kind] = f"{IncomeKind(line.kind).label}的金额过大"
    duplicates = {k for k in kinds if kinds.count(k) > 1}
    if duplicates:
        errors["items"] = "收支项目重复：" + "、".join(sorted(duplicates))
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


def _refresh_net_income(actor: Actor, household: Household) -> None:
    """The household's 年人均纯收入 is the figure of its latest year with line items."""
    latest = IncomeItem.objects.filter(household=household).order_by("-year").values_list("year", flat=True)
    year = latest.first()
    if year is None:
        return  # no line items at all: keep the figure a ledger may have given
    figure = per_capita(
        counted_net_income(list(IncomeItem.objects.filter(household=household, year=year))), household.size
    )
    update_fields_checked(
        household, actor=actor, expected_version=None, changes={"net_income_per_capita": figure}
    )


@transaction.atomic
def income_items_set(
    *, actor: Actor, scope: Scope, household: Household, year: int, items: Sequence[IncomeLine]
) -> list[IncomeItem]:
    """Replace a year's line items; items left out are removed. Then recompute the household's
    net income per capita: (Σ sign × amount over counted kinds) / size (models.INCOME_SIGN)."""
    check_may_act(scope, household, Level.VILLAGE, "收支录入")
    _check_income_lines(year, items)
    existing = {i.kind: i for i in IncomeItem.objects.filter(household=household, year=year)}
    wanted = {line.kind: line for line in items}
    for kind, item in existing.items():
        if kind not in wanted:
            entry = change_entry(
                actor, item, action=ChangeAction.DELETE, before=item.audit_snapshot(), after=None
            )
            item.delete()
            entry.save()
    result = []
    for kind, line in wanted.items():
        stored = existing.get(kind)
        if stored is None:
            stored = IncomeItem.objects.create(
                household=household, year=year, kind=kind, amount=line.amount, note=line.note[:200]
            )
            record_change(actor, stored, action=ChangeAction.CREATE, before=None)
        else:
            changes = {"amount": line.amount, "note": line.note[:200]}
            stored = update_fields_checked(stored, actor=actor, expected_version=None, changes=changes)
        result.append(stored)
    _refresh_net_income(actor, household)
    return result


# Household and member edits ---------------------------------------------------------------------

_CHOICES: dict[str, Sequence[str]] = {
    "category": HouseholdCategory.values,
    "main_cause": PovertyCause.values,
    "housing_structure": ["", *HousingStructure.values],
    "relocation_mode": ["", *RelocationMode.values],
    "sex": ["", *Sex.values],
    "health": ["", *Health.values],
    "labour": ["", *Labour.values],
    "migrant_work": ["", *MigrantWork.values],
}
HOUSEHOLD_EDITABLE = frozenset(
    {
        "phone",
        "category",
        "main_cause",
        "other_causes",
        "food_clothing_secure",
        "housing_secure",
        "water_secure",
        "schooling_secure",
        "medical_secure",
        "cultivated_land_mu",
        "forest_land_mu",
        "housing_area_m2",
        "housing_structure",
        "dilapidated_house",
        "tap_water",
        "electricity",
        "sanitary_toilet",
        "road_distance_km",
        "relocated",
        "relocation_mode",
        "relocation_site",
        "relocation_year",
    }
)
MEMBER_EDITABLE = frozenset(
    {
        "name",
        "sex",
        "ethnicity",
        "education",
        "schooling",
        "health",
        "labour",
        "migrant_work",
        "months_worked",
    }
)


def _check_changes(changes: Mapping[str, Any], editable: frozenset[str]) -> None:
    unknown = set(changes) - editable
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    errors = {
        name: "请选择有效的选项"
        for name, allowed in _CHOICES.items()
        if name in changes and changes[name] not in allowed
    }
    if changes.get("phone") and (error := phone.phone_error(changes["phone"])):
        errors["phone"] = error
    if "name" in changes and not str(changes["name"]).strip():
        errors["name"] = "请填写姓名"
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


@transaction.atomic
def household_update(
    *, actor: Actor, scope: Scope, household: Household, expected_version: int | None, **changes: Any
) -> Household:
    """Edit the household's conditions, phone, causes and 两不愁三保障; refused with ConflictError
    when someone saved it since `expected_version` was read."""
    check_may_act(scope, household, Level.VILLAGE, "修改户信息")
    _check_changes(changes, HOUSEHOLD_EDITABLE)
    if "other_causes" in changes or "main_cause" in changes:
        main = changes.get("main_cause", household.main_cause)
        others = changes.get("other_causes", household.other_cause_list)
        if error := other_causes_error(main, others):
            raise ApplicationError(error, field_errors={"other_causes": error})
        changes["other_causes"] = causes_field(others)
    return update_fields_checked(household, actor=actor, expected_version=expected_version, changes=changes)


@transaction.atomic
def member_update(
    *, actor: Actor, scope: Scope, member: Member, expected_version: int | None, **changes: Any
) -> Member:
    check_may_act(scope, member.household, Level.VILLAGE, "修改成员信息")
    _check_changes(changes, MEMBER_EDITABLE)
    months = changes.get("months_worked")
    if months is not None and not 0 <= months <= 12:
        raise ApplicationError("务工时间应为0至12个月", field_errors={"months_worked": "应为0至12"})
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        changes["search_key"] = pinyin_key(changes["name"])
    member = update_fields_checked(member, actor=actor, expected_version=expected_version, changes=changes)
    if member.relation == "head" and "name" in changes and member.household.head_name != member.name:
        # The household carries its head's name for lists and search.
        update_fields_checked(
            member.household,
            actor=actor,
            expected_version=None,
            changes={"head_name": member.name, "search_key": pinyin_key(member.name)},
        )
    return member
