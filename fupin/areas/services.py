"""Writes of areas: validated, atomic, change-logged."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from fupin.areas.county_settings import SETTINGS
from fupin.areas.models import Area, CountySetting
from fupin.areas.selectors import forget_county_settings
from fupin.core import areacode
from fupin.core.audit import Actor, record_change
from fupin.core.bulk import UpsertResult, bulk_upsert, update_fields_checked
from fupin.core.exceptions import ApplicationError, PermissionDenied
from fupin.core.models import ChangeAction
from fupin.core.scope import Scope
from fupin.core.text import pinyin_key


@transaction.atomic
def area_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    is_poor_village: bool = False,
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
) -> Area:
    if not areacode.is_area_code(code):
        raise ApplicationError("区划代码应为12位数字", field_errors={"code": "区划代码应为12位数字"})
    parent_code = areacode.parent_code_of(code)
    parent = Area.objects.filter(code=parent_code).first() if parent_code else None
    level = areacode.level_of(code)
    if level in {areacode.TOWN, areacode.VILLAGE} and parent is None:
        raise ApplicationError(f"上级区划 {parent_code} 不存在")
    area = Area(
        code=code,
        name=name,
        level=level,
        parent=parent,
        is_poor_village=is_poor_village and level == areacode.VILLAGE,
        longitude=longitude,
        latitude=latitude,
        search_key=pinyin_key(name),
    )
    area.full_clean()
    area.save()
    record_change(actor, area, action=ChangeAction.CREATE, before=None)
    return area


@transaction.atomic
def area_update(*, actor: Actor, area: Area, expected_version: int | None, **changes: Any) -> Area:
    allowed = {"name", "is_poor_village", "longitude", "latitude"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    if "name" in changes:
        changes["search_key"] = pinyin_key(changes["name"])
    if changes.get("is_poor_village") and area.level != areacode.VILLAGE:
        raise ApplicationError("只有村可以标记为贫困村")
    return update_fields_checked(area, actor=actor, expected_version=expected_version, changes=changes)


def areas_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Bulk upsert for the areas ledger, top level first so that parents exist for their children.

    Each row has code, name, is_poor_village, longitude, latitude; level and parent follow from code.
    """
    result = UpsertResult()
    by_level: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_level.setdefault(areacode.level_of(row["code"]), []).append(row)
    for level in areacode.LEVEL_ORDER:
        level_rows = by_level.get(level, [])
        if not level_rows:
            continue
        parent_codes = {areacode.parent_code_of(r["code"]) for r in level_rows} - {None}
        parents = {a.code: a for a in Area.objects.filter(code__in=parent_codes)}
        prepared = [
            {
                **row,
                "level": level,
                "parent": parents.get(areacode.parent_code_of(row["code"]) or ""),
                "search_key": pinyin_key(row["name"]),
            }
            for row in level_rows
        ]
        result.add(
            bulk_upsert(
                Area,
                key="code",
                rows=prepared,
                actor=actor,
                keep_when_blank=("is_poor_village", "longitude", "latitude"),
            )
        )
    return result


@transaction.atomic
def county_setting_set(*, actor: Actor, scope: Scope, county: Area, name: str, value: Any) -> CountySetting:
    """Set one of the county's settings; only its managers may, and only to a valid value."""
    definition = SETTINGS.get(name)
    if definition is None:
        raise ApplicationError(f"未知的设置项：{name}")
    if county.level != areacode.COUNTY or not (scope.can_manage and scope.covers_code(county.code)):
        raise PermissionDenied("您无权修改该县的设置")
    if error := definition.check(value):
        raise ApplicationError(f"{definition.label}：{error}", field_errors={name: error})
    setting = CountySetting.objects.select_for_update().filter(county=county, name=name).first()
    if setting is None:
        setting = CountySetting.objects.create(county=county, name=name, value=value)
        record_change(actor, setting, action=ChangeAction.CREATE, before=None)
    elif setting.value != value:
        before = setting.audit_snapshot()
        setting.value = value
        setting.version += 1
        setting.save(update_fields=["value", "version", "updated_at"])
        record_change(actor, setting, action=ChangeAction.UPDATE, before=before)
    forget_county_settings()
    return setting
