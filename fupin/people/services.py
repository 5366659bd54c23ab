"""Writes of units, cadres and accounts: validated, atomic, change-logged, permission-checked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from fupin.areas.models import Area
from fupin.core import idnumber, phone
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.core.text import pinyin_key
from fupin.people.models import Account, Cadre, Unit, categories_field

SELF_EDITABLE = frozenset({"phone"})
CADRE_EDITABLE = frozenset({"name", "phone", "unit", "title", "categories"})


def _check_cadre_fields(*, id_number_value: str | None = None, phone_value: str | None = None) -> None:
    errors: dict[str, str] = {}
    if id_number_value is not None and (error := idnumber.id_number_error(id_number_value)):
        errors["id_number"] = error
    if phone_value and (error := phone.phone_error(phone_value)):
        errors["phone"] = error
    if errors:
        raise ApplicationError("；".join(errors.values()), field_errors=errors)


def can_edit_cadre(scope: Scope, cadre: Cadre, fields: set[str]) -> bool:
    """Managers and towns edit their area's cadres, unit users their unit's, anyone their own phone."""
    if scope.role == SUPERUSER:
        return True
    in_area = cadre.unit.area is not None and scope.covers_code(cadre.unit.area.code)
    if scope.role in {Role.COUNTY_ADMIN, Role.OFFICE_STAFF, Role.TOWN_OFFICIAL} and in_area:
        return True
    if scope.role == Role.UNIT_USER and cadre.unit_id in scope.unit_ids:
        return True
    return scope.cadre_id == cadre.pk and fields <= SELF_EDITABLE


@transaction.atomic
def cadre_create(
    *,
    actor: Actor,
    scope: Scope,
    code: str,
    name: str,
    id_number: str,
    unit: Unit,
    categories: list[str],
    phone: str = "",
    title: str = "",
) -> Cadre:
    _check_cadre_fields(id_number_value=id_number, phone_value=phone)
    cadre = Cadre(
        code=code,
        name=name,
        id_number=idnumber.normalize(id_number),
        phone=phone,
        unit=unit,
        title=title,
        categories=categories_field(categories),
        search_key=pinyin_key(name),
    )
    if not can_edit_cadre(scope, cadre, set(CADRE_EDITABLE)):
        raise PermissionDenied("您无权在该单位新增干部")
    if not categories:
        raise ApplicationError("至少选择一个干部类别", field_errors={"categories": "至少选择一个干部类别"})
    if Cadre.objects.filter(code=code).exists():
        raise ApplicationError(f"干部编号 {code} 已存在", field_errors={"code": "干部编号已存在"})
    if Cadre.objects.filter(id_number=cadre.id_number).exists():
        raise ApplicationError(
            "身份证号已被其他干部使用", field_errors={"id_number": "身份证号已被其他干部使用"}
        )
    cadre.full_clean()
    cadre.save()
    record_change(actor, cadre, action=ChangeAction.CREATE, before=None)
    return cadre


@transaction.atomic
def cadre_update(
    *, actor: Actor, scope: Scope, cadre: Cadre, expected_version: int | None, **changes: Any
) -> Cadre:
    unknown = set(changes) - CADRE_EDITABLE
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    if not can_edit_cadre(scope, cadre, set(changes)):
        raise PermissionDenied("您无权修改该干部的这些信息")
    if "unit" in changes and not can_edit_cadre(scope, Cadre(unit=changes["unit"]), set(changes)):
        raise PermissionDenied("您无权把干部调入该单位")
    _check_cadre_fields(phone_value=changes.get("phone"))
    if "categories" in changes:
        if not changes["categories"]:
            raise ApplicationError(
                "至少选择一个干部类别", field_errors={"categories": "至少选择一个干部类别"}
            )
        changes["categories"] = categories_field(changes["categories"])
    if "name" in changes:
        changes["search_key"] = pinyin_key(changes["name"])
    return update_fields_checked(cadre, actor=actor, expected_version=expected_version, changes=changes)


def _unit_depths(rows: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows grouped so that a unit's parent from the same file is written one group earlier."""
    in_file = {row["code"]: row for row in rows}
    depth: dict[str, int] = {}

    def depth_of(code: str, seen: frozenset[str] = frozenset()) -> int:
        if code not in depth:
            parent = in_file[code]["parent_code"]
            # A cycle is reported by the ledger; here it is simply cut.
            depth[code] = (
                0 if parent not in in_file or parent in seen else 1 + depth_of(parent, seen | {code})
            )
        return depth[code]

    groups: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(depth_of(row["code"]), []).append(row)
    return [groups[d] for d in sorted(groups)]


@transaction.atomic
def units_upsert(
    *, actor: Actor, rows: Sequence[dict[str, Any]], default_area: Area | None = None
) -> UpsertResult:
    """Bulk upsert for the units ledger. Rows carry code, name, kind, parent_code, area (Area|None).

    A file may list a sub-unit before its parent. A unit without 所在区划 takes its parent's area,
    else `default_area` (the importing user's).
    """
    result = UpsertResult()
    for group in _unit_depths(rows):
        parent_codes = {row["parent_code"] for row in group if row["parent_code"]}
        parents = {u.code: u for u in Unit.objects.filter(code__in=parent_codes).select_related("area")}
        prepared = []
        for row in group:
            parent = parents.get(row["parent_code"]) if row["parent_code"] else None
            area = row["area"] or (parent.area if parent else None) or default_area
            fields = {k: v for k, v in row.items() if k != "parent_code"}
            prepared.append(fields | {"parent": parent, "area": area, "search_key": pinyin_key(row["name"])})
        result.add(bulk_upsert(Unit, key="code", rows=prepared, actor=actor, keep_when_blank=("parent",)))
    return result


@transaction.atomic
def cadres_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Bulk upsert for the cadres ledger. Rows carry code, name, id_number, phone, unit, title, categories."""
    prepared = [
        row | {"categories": categories_field(row["categories"]), "search_key": pinyin_key(row["name"])}
        for row in rows
    ]
    return bulk_upsert(Cadre, key="code", rows=prepared, actor=actor, keep_when_blank=("phone", "title"))


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    scope: Scope,
    username: str,
    password: str,
    role: str,
    area: Area | None,
    unit: Unit | None = None,
    cadre: Cadre | None = None,
) -> Account:
    """A login for a role in an area; the creating user must manage that area."""
    if not scope.can_manage_accounts or area is None or not scope.covers_code(area.code):
        raise PermissionDenied("您无权在该区划创建账号")
    if role == Role.UNIT_USER and unit is None:
        raise ApplicationError(
            "单位用户必须指定所属单位", field_errors={"unit_code": "单位用户必须指定所属单位"}
        )
    if cadre is not None and cadre.user_id is not None:
        raise ApplicationError("该干部已开通账号", field_errors={"cadre_code": "该干部已开通账号"})
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ApplicationError(f"账号 {username} 已存在", field_errors={"username": "该账号已存在"})
    user = user_model.objects.create_user(username=username, password=password)
    assert isinstance(user, AbstractUser)
    account = Account.objects.create(user=user, role=role, area=area, unit=unit)
    record_change(actor, account, action=ChangeAction.CREATE, before=None)
    if cadre is not None:
        before = cadre.audit_snapshot()
        cadre.user = user
        cadre.save(update_fields=["user", "updated_at"])
        record_change(actor, cadre, action=ChangeAction.UPDATE, before=before)
    return account
