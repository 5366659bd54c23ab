"""The areas, units and cadres ledgers (ledgers.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import area_list
from fupin.areas.services import areas_upsert
from fupin.core import areacode, idnumber
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.people.models import Cadre, CadreCategory, Unit, UnitKind
from fupin.people.selectors import cadre_list, unit_list
from fupin.people.services import cadres_upsert, units_upsert

LEVEL_LABELS = {"县": areacode.COUNTY, "乡镇": areacode.TOWN, "村": areacode.VILLAGE}
UNIT_KINDS = {str(label): value for value, label in UnitKind.choices}
CADRE_CATEGORIES = {str(label): value for value, label in CadreCategory.choices}


def _bool_cell(value: bool) -> str:
    return "是" if value else "否"


def _codes_in_db(model: type[Unit] | type[Cadre] | type[Area], codes: set[str]) -> dict[str, Any]:
    return fetch_by_key(model, "code", sorted(codes))


def _check_stored_in_scope(
    model: type[Unit] | type[Cadre],
    visible: Callable[[Scope], QuerySet[Any]],
    rows: list[ParsedRow],
    errors: RowErrors,
    context: ImportContext,
    message: str,
) -> None:
    """A row may update a stored record only if that record lies in the importing user's scope."""
    if context.scope.is_everything:
        return
    stored = _codes_in_db(model, {r.values["code"] for r in rows})
    in_scope = set(visible(context.scope).filter(code__in=list(stored)).values_list("code", flat=True))
    for row in rows:
        if row.values["code"] in stored and row.values["code"] not in in_scope:
            errors.add(row.number, "code", row.values["code"], message)


class AreasLedger(Ledger):
    name = "areas"
    title = "行政区划"
    key = ("code",)
    columns = (
        Column(
            "code",
            "区划代码",
            "code",
            v.code(12),
            required=True,
            help="12位：县xxxxxx000000，乡镇xxxxxxyyy000，村xxxxxxyyyzzz",
        ),
        Column("name", "名称", "name", v.text, required=True),
        Column("level", "层级", "level", v.choice(LEVEL_LABELS), required=True, options=tuple(LEVEL_LABELS)),
        Column("parent_code", "上级区划代码", "parent_code", v.code(12), help="乡镇和村必填"),
        Column("is_poor_village", "贫困村", "is_poor_village", v.boolean, options=("是", "否")),
        Column("longitude", "经度", "longitude", v.longitude),
        Column("latitude", "纬度", "latitude", v.latitude),
    )
    example = {
        "区划代码": "610727100001",
        "名称": "示例村",
        "层级": "村",
        "上级区划代码": "610727100000",
        "贫困村": "是",
        "经度": "106.156",
        "纬度": "33.329",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        code, level, parent = row.values["code"], row.values["level"], row.values["parent_code"]
        if areacode.level_of(code) != level:
            expected = AreaLevel(areacode.level_of(code)).label
            label = next(k for k, value in LEVEL_LABELS.items() if value == level)
            errors.add(row.number, "level", label, f"与区划代码不符：该代码是{expected}级代码")
            return
        if level in {areacode.TOWN, areacode.VILLAGE}:
            if parent is None:
                errors.add(row.number, "parent_code", "", "乡镇和村必须填写上级区划代码")
            elif parent != areacode.parent_code_of(code):
                errors.add(
                    row.number,
                    "parent_code",
                    parent,
                    f"应为上一级且与区划代码前缀一致：{areacode.parent_code_of(code)}",
                )
        if row.values["is_poor_village"] and level != areacode.VILLAGE:
            errors.add(row.number, "is_poor_village", "是", "只有村可以是贫困村")
        if not context.scope.covers_code(code) and not (
            level == areacode.COUNTY and context.scope.root_area_code == code
        ):
            errors.add(row.number, "code", code, "不在您的管辖范围内")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        in_file = {r.values["code"] for r in rows + errors.all_rows}
        wanted = {r.values["parent_code"] for r in rows if r.values["parent_code"]} - in_file
        existing = _codes_in_db(Area, wanted)
        for row in rows:
            parent = row.values["parent_code"]
            if parent and parent not in in_file and parent not in existing:
                errors.add(row.number, "parent_code", parent, "上级区划不存在（数据库和本文件中都没有）")

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return areas_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "name": r.values["name"],
                    "is_poor_village": r.values["is_poor_village"],
                    "longitude": r.values["longitude"],
                    "latitude": r.values["latitude"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        levels = {value: label for label, value in LEVEL_LABELS.items()}
        for area in (
            area_list(scope).filter(level__in=list(levels)).order_by("code").iterator(chunk_size=2000)
        ):
            yield {
                "code": area.code,
                "name": area.name,
                "level": levels[area.level],
                "parent_code": areacode.parent_code_of(area.code) if area.level != areacode.COUNTY else "",
                "is_poor_village": _bool_cell(area.is_poor_village) if area.level == areacode.VILLAGE else "",
                "longitude": "" if area.longitude is None else format(area.longitude.normalize(), "f"),
                "latitude": "" if area.latitude is None else format(area.latitude.normalize(), "f"),
            }


class UnitsLedger(Ledger):
    name = "units"
    title = "单位"
    key = ("code",)
    depends_on = ("areas",)
    columns = (
        Column("code", "单位编码", "code", v.text, required=True),
        Column("name", "单位名称", "name", v.text, required=True),
        Column("kind", "单位类型", "kind", v.choice(UNIT_KINDS), required=True, options=tuple(UNIT_KINDS)),
        Column("parent_code", "上级单位编码", "parent_code", v.text),
        Column("area_code", "所在区划代码", "area_code", v.code(12)),
    )
    example = {
        "单位编码": "U001",
        "单位名称": "县扶贫开发局",
        "单位类型": "行业部门",
        "上级单位编码": "",
        "所在区划代码": "610727000000",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        area_code = row.values["area_code"]
        if area_code and not context.scope.covers_code(area_code):
            errors.add(row.number, "area_code", area_code, "不在您的管辖范围内")
        if row.values["parent_code"] == row.values["code"]:
            errors.add(row.number, "parent_code", row.values["parent_code"], "上级单位不能是自己")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        in_file = {r.values["code"] for r in rows + errors.all_rows}
        parents = _codes_in_db(
            Unit, {r.values["parent_code"] for r in rows if r.values["parent_code"]} - in_file
        )
        areas = _codes_in_db(Area, {r.values["area_code"] for r in rows if r.values["area_code"]})
        for row in rows:
            parent, area_code = row.values["parent_code"], row.values["area_code"]
            if parent and parent not in in_file and parent not in parents:
                errors.add(row.number, "parent_code", parent, "上级单位不存在")
            if area_code:
                if area_code not in areas:
                    errors.add(row.number, "area_code", area_code, "区划代码不存在")
                else:
                    row.refs["area"] = areas[area_code]
        _check_stored_in_scope(Unit, unit_list, rows, errors, context, "该单位不在您的管辖范围内")
        self._check_cycles(rows, errors)

    def _check_cycles(self, rows: list[ParsedRow], errors: RowErrors) -> None:
        parent_of = {r.values["code"]: r.values["parent_code"] for r in rows}
        # Units the file does not list keep their stored parent: a loop may run through them.
        wanted = {p for p in parent_of.values() if p} - set(parent_of)
        while wanted:
            stored = dict(Unit.objects.filter(code__in=sorted(wanted)).values_list("code", "parent__code"))
            parent_of.update({code: stored.get(code) for code in wanted})
            wanted = {p for p in stored.values() if p} - set(parent_of)
        for row in rows:
            seen, code = set(), row.values["code"]
            while code in parent_of and code not in seen:
                seen.add(code)
                code = parent_of[code]
            if code in seen and code == row.values["code"]:
                errors.add(row.number, "parent_code", row.values["parent_code"], "上级单位关系形成了循环")

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        default_area = (
            Area.objects.filter(code=context.default_area_code).first() if context.default_area_code else None
        )
        return units_upsert(
            actor=context.actor,
            default_area=default_area,
            rows=[
                {
                    "code": r.values["code"],
                    "name": r.values["name"],
                    "kind": r.values["kind"],
                    "parent_code": r.values["parent_code"],
                    "area": r.refs.get("area"),
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        kinds = {value: label for label, value in UNIT_KINDS.items()}
        for unit in unit_list(scope).order_by("code").iterator(chunk_size=2000):
            yield {
                "code": unit.code,
                "name": unit.name,
                "kind": kinds[unit.kind],
                "parent_code": unit.parent.code if unit.parent else "",
                "area_code": unit.area.code if unit.area else "",
            }


class CadresLedger(Ledger):
    name = "cadres"
    title = "干部"
    key = ("code",)
    depends_on = ("units",)
    columns = (
        Column("code", "干部编号", "code", v.text, required=True),
        Column("name", "姓名", "name", v.text, required=True),
        Column("id_number", "身份证号", "id_number", v.id_number, required=True, help="18位，请设为文本格式"),
        Column("phone", "手机号码", "phone", v.phone_number),
        Column("unit_code", "单位编码", "unit_code", v.text, required=True),
        Column("title", "职务", "title", v.text),
        Column(
            "categories",
            "干部类别",
            "categories",
            v.multi_choice(CADRE_CATEGORIES),
            required=True,
            help="一个或多个，用、或,或;分隔",
            options=tuple(CADRE_CATEGORIES),
        ),
    )
    example = {
        "干部编号": "G0001",
        "姓名": "张三",
        "身份证号": "610727198001010015",
        "手机号码": "13800000000",
        "单位编码": "U001",
        "职务": "科员",
        "干部类别": "帮扶干部",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        units = _codes_in_db(Unit, {r.values["unit_code"] for r in rows})
        units_in_scope = set(
            unit_list(context.scope).filter(code__in=list(units)).values_list("code", flat=True)
        )
        self._check_id_numbers(rows, errors)
        _check_stored_in_scope(Cadre, cadre_list, rows, errors, context, "该干部不在您的管辖范围内")
        for row in rows:
            unit_code = row.values["unit_code"]
            if unit_code not in units:
                errors.add(row.number, "unit_code", unit_code, "单位编码不存在")
            elif unit_code not in units_in_scope:
                errors.add(row.number, "unit_code", unit_code, "该单位不在您的管辖范围内")
            else:
                row.refs["unit"] = units[unit_code]

    def _check_id_numbers(self, rows: list[ParsedRow], errors: RowErrors) -> None:
        """One ID number, one cadre: within the file and against cadres already stored."""
        first_row: dict[str, ParsedRow] = {}
        for row in rows:
            number = row.values["id_number"]
            if number in first_row:
                errors.add(
                    row.number,
                    "id_number",
                    idnumber.mask(number),
                    f"与第{first_row[number].number}行的身份证号相同",
                )
            else:
                first_row[number] = row
        holders = Cadre.objects.filter(id_number__in=list(first_row)).values_list("id_number", "code")
        for number, code in holders:
            row = first_row[number]
            if row.values["code"] != code:
                errors.add(row.number, "id_number", idnumber.mask(number), f"已登记为干部 {code} 的身份证号")

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return cadres_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "name": r.values["name"],
                    "id_number": r.values["id_number"],
                    "phone": r.values["phone"] or "",
                    "unit": r.refs["unit"],
                    "title": r.values["title"] or "",
                    "categories": r.values["categories"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for cadre in cadre_list(scope).order_by("code").iterator(chunk_size=2000):
            yield {
                "code": cadre.code,
                "name": cadre.name,
                "id_number": cadre.id_number,
                "phone": cadre.phone,
                "unit_code": cadre.unit.code,
                "title": cadre.title,
                "categories": "、".join(cadre.category_labels),
            }
