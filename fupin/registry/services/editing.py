"""Single-record edits from the household file: income line items, household conditions, members;
and the registration page's household with its members in one go.

Bulk writes from the ledgers are households.py's; status changes are lifecycle.py's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import idnumber, phone
from fupin.core.audit import Actor, change_entry, record_change
from fupin.core.bulk import update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
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
    Relation,
    RelocationMode,
    Sex,
)
from fupin.registry.procedures import Level
from fupin.registry.risk import counted_net_income, per_capita
from fupin.registry.services.lifecycle import (
    causes_field,
    check_may_act,
    household_register,
    other_causes_error,
)

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
        "longitude",
        "latitude",
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
    errors.update(_range_errors(changes))
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


# name: (lowest, highest, what the user is told); None is always allowed (not recorded).
_RANGES: dict[str, tuple[Decimal, Decimal, str]] = {
    "cultivated_land_mu": (Decimal(0), Decimal("999999"), "耕地面积不能为负数"),
    "forest_land_mu": (Decimal(0), Decimal("999999"), "林地面积不能为负数"),
    "housing_area_m2": (Decimal(0), Decimal("999999"), "住房面积不能为负数"),
    "road_distance_km": (Decimal(0), Decimal("9999"), "与村主干路距离不能为负数"),
    "longitude": (Decimal(-180), Decimal(180), "经度应在-180至180之间"),
    "latitude": (Decimal(-90), Decimal(90), "纬度应在-90至90之间"),
    "relocation_year": (Decimal(2000), Decimal(2100), "搬迁年度应在2000至2100之间"),
}


def _range_errors(changes: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: message
        for name, (lowest, highest, message) in _RANGES.items()
        if changes.get(name) is not None and not lowest <= Decimal(changes[name]) <= highest
    }


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
    if changes.get("phone"):
        changes["phone"] = phone.normalize(changes["phone"])
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


# Registration with members ----------------------------------------------------------------------


@dataclass(frozen=True)
class NewMember:
    """A member entered with the household on the registration page (the head comes separately)."""

    name: str
    id_number: str
    relation: str


def member_error_key(index: int, field: str) -> str:
    """The field_errors key of a member row: the registration page's formset names its inputs so."""
    return f"members-{index}-{field}"


def _new_member_errors(head_id_number: str, members: Sequence[NewMember]) -> dict[str, str]:
    errors: dict[str, str] = {}
    seen = {idnumber.normalize(head_id_number)}
    numbers = [idnumber.normalize(m.id_number) for m in members]
    already = set(Member.objects.filter(id_number__in=numbers).values_list("id_number", flat=True))
    for index, (member, number) in enumerate(zip(members, numbers, strict=True)):
        if not member.name.strip():
            errors[member_error_key(index, "name")] = "请填写姓名"
        elif len(member.name.strip()) > 50:
            errors[member_error_key(index, "name")] = "姓名不超过50字"
        if member.relation not in Relation.values or member.relation == Relation.HEAD:
            errors[member_error_key(index, "relation")] = "请选择与户主关系（户主只能有一位）"
        if error := idnumber.id_number_error(number):
            errors[member_error_key(index, "id_number")] = error
        elif number in already:
            errors[member_error_key(index, "id_number")] = "该身份证号已是其他户的成员"
        elif number in seen:
            errors[member_error_key(index, "id_number")] = "身份证号与本户其他成员重复"
        seen.add(number)
    return errors


@transaction.atomic
def household_register_with_members(
    *,
    actor: Actor,
    scope: Scope,
    village: Area,
    code: str,
    head_name: str,
    head_id_number: str,
    members: Sequence[NewMember],
    identification_standard: str,
    category: str,
    main_cause: str,
    other_causes: Sequence[str] = (),
    phone: str = "",
    applied_on: dt.date | None = None,
) -> Household:
    """household_register with the rest of the family: the size is the head plus `members`, and
    either everything is saved or nothing is (all row errors are reported together)."""
    member_errors = _new_member_errors(head_id_number, members)
    try:
        household = household_register(
            actor=actor,
            scope=scope,
            village=village,
            code=code,
            head_name=head_name,
            head_id_number=head_id_number,
            size=1 + len(members),
            identification_standard=identification_standard,
            category=category,
            main_cause=main_cause,
            other_causes=other_causes,
            phone=phone,
            applied_on=applied_on,
        )
    except PermissionDenied:
        raise
    except ApplicationError as error:
        if not member_errors:
            raise
        errors = error.field_errors | member_errors
        raise ApplicationError("；".join(dict.fromkeys(errors.values())), field_errors=errors) from error
    if member_errors:
        raise ApplicationError("；".join(dict.fromkeys(member_errors.values())), field_errors=member_errors)
    for member in members:
        number = idnumber.normalize(member.id_number)
        created = Member.objects.create(
            household=household,
            name=member.name.strip(),
            id_number=number,
            relation=member.relation,
            sex=Sex.MALE if idnumber.sex_of(number) == "男" else Sex.FEMALE,
            search_key=pinyin_key(member.name.strip()),
        )
        record_change(actor, created, action=ChangeAction.CREATE, before=None)
    return household
