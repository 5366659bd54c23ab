"""The households ledger (贫困户): key 户编号, one row per registered poor household."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.areas.models import Area, AreaLevel
from fupin.core.bulk import UpsertResult
from fupin.core.scope import Scope
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, Progress, Report, RowErrors
from fupin.ledgers.definitions.registry.common import (
    bool_cell,
    by_field,
    chunks,
    codes_in_scope,
    decimal_cell,
    label_of,
    labels,
    number_cell,
    shown_id,
    shown_phone,
)
from fupin.ledgers.definitions.registry.fast import Labels, import_households_fast
from fupin.registry.models import (
    REGISTERED_STATUSES,
    Household,
    HouseholdCategory,
    IdentificationStandard,
    PovertyCause,
    PovertyStatus,
)
from fupin.registry.selectors import household_list
from fupin.registry.services.households import households_upsert

STANDARDS = labels(IdentificationStandard.choices)
CATEGORIES = labels(HouseholdCategory.choices)
CAUSES = labels(PovertyCause.choices)
# 新识别 and 一般农户 are the platform's own statuses, not the ledger's.
STATUSES = labels((s.value, s.label) for s in REGISTERED_STATUSES)
BOOLEAN_OPTIONS = ("是", "否")
SECURITY_COLUMNS = (
    ("housing_secure", "住房安全有保障"),
    ("water_secure", "饮水安全有保障"),
    ("schooling_secure", "义务教育有保障"),
    ("medical_secure", "基本医疗有保障"),
)
FIRST_YEAR, LAST_YEAR = 2013, 2030
MAX_OTHER_CAUSES = 2


class HouseholdsLedger(Ledger):
    name = "households"
    title = "贫困户"
    key = ("code",)
    depends_on = ("areas",)
    # Every check looks at one row, the database, or what earlier chunks left in context.state:
    # a province's ledger is imported a chunk at a time.
    streaming = True
    columns = (
        Column("code", "户编号", "code", v.text, required=True),
        Column(
            "village_code", "区划代码", "village_code", v.code(12), required=True, help="所在村的12位代码"
        ),
        Column("head_name", "户主姓名", "head_name", v.text, required=True),
        Column(
            "head_id_number",
            "户主身份证号",
            "head_id_number",
            v.id_number,
            required=True,
            help="18位，请设为文本格式",
        ),
        Column("size", "家庭人口数", "size", v.integer(1, 20), required=True, help="1–20"),
        Column(
            "identification_standard",
            "识别标准",
            "identification_standard",
            v.choice(STANDARDS),
            required=True,
            options=tuple(STANDARDS),
        ),
        Column(
            "category",
            "贫困户属性",
            "category",
            v.choice(CATEGORIES),
            required=True,
            options=tuple(CATEGORIES),
        ),
        Column(
            "main_cause", "主要致贫原因", "main_cause", v.choice(CAUSES), required=True, options=tuple(CAUSES)
        ),
        Column(
            "other_causes",
            "其他致贫原因",
            "other_causes",
            v.multi_choice(CAUSES),
            help="最多两项，用、或,或;分隔，不能与主要致贫原因相同",
        ),
        Column(
            "poverty_status",
            "脱贫属性",
            "poverty_status",
            v.choice(STATUSES),
            required=True,
            options=tuple(STATUSES),
        ),
        Column(
            "registered_year",
            "识别年度",
            "registered_year",
            v.integer(FIRST_YEAR, LAST_YEAR),
            required=True,
            help=f"{FIRST_YEAR}–{LAST_YEAR}",
        ),
        Column(
            "exit_year",
            "脱贫年度",
            "exit_year",
            v.integer(FIRST_YEAR, LAST_YEAR),
            help="已脱贫必填，不早于识别年度",
        ),
        Column("phone", "联系电话", "phone", v.phone_number),
        *(Column(key, zh, key, v.boolean, options=BOOLEAN_OPTIONS) for key, zh in SECURITY_COLUMNS),
        Column(
            "net_income_per_capita",
            "年人均纯收入",
            "net_income_per_capita",
            v.decimal(0, 99_999_999.99),
            help="元，不小于0",
        ),
        Column("longitude", "经度", "longitude", v.longitude),
        Column("latitude", "纬度", "latitude", v.latitude),
    )
    example = {
        "户编号": "6107271002000001",
        "区划代码": "610727100200",
        "户主姓名": "王建国",
        "户主身份证号": "610727198001010015",
        "家庭人口数": "3",
        "识别标准": "国家标准",
        "贫困户属性": "一般贫困户",
        "主要致贫原因": "因病",
        "其他致贫原因": "缺技术、缺资金",
        "脱贫属性": "已脱贫",
        "识别年度": "2014",
        "脱贫年度": "2018",
        "联系电话": "13800000000",
        "住房安全有保障": "是",
        "饮水安全有保障": "是",
        "义务教育有保障": "是",
        "基本医疗有保障": "是",
        "年人均纯收入": "6520.50",
        "经度": "106.156",
        "纬度": "33.329",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        if not context.scope.covers_code(values["village_code"]):
            errors.add(row.number, "village_code", values["village_code"], "不在您的管辖范围内")
        others = values["other_causes"] or []
        shown = "、".join(label_of(CAUSES, c) for c in others)
        if len(others) > MAX_OTHER_CAUSES:
            errors.add(row.number, "other_causes", shown, f"最多填写{MAX_OTHER_CAUSES}项")
        elif values["main_cause"] in others:
            main = label_of(CAUSES, values["main_cause"])
            errors.add(row.number, "other_causes", shown, f"不能与主要致贫原因（{main}）相同")
        exit_year = values["exit_year"]
        if values["poverty_status"] == PovertyStatus.OUT and exit_year is None:
            errors.add(row.number, "exit_year", "", "脱贫属性为已脱贫时必须填写脱贫年度")
        if exit_year is not None and exit_year < values["registered_year"]:
            errors.add(row.number, "exit_year", exit_year, f"不能早于识别年度（{values['registered_year']}）")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        # Kept between chunks: a province's million households lie in some fifteen thousand villages.
        villages: dict[str, Area] = context.state.setdefault("villages", {})
        missing = {r.values["village_code"] for r in rows} - villages.keys()
        villages.update(by_field(Area.objects.all(), "code", missing))
        for row in rows:
            code = row.values["village_code"]
            village = villages.get(code)
            if village is None:
                errors.add(
                    row.number, "village_code", code, "区划代码不存在（数据库和已导入的行政区划台账中都没有）"
                )
            elif village.level != AreaLevel.VILLAGE:
                errors.add(
                    row.number, "village_code", code, f"应为村级区划，该区划是{village.get_level_display()}"
                )
            else:
                row.refs["village"] = village
        self._check_stored_in_scope(rows, errors, context)
        self._check_head_id_numbers(rows, errors, context)

    def _check_stored_in_scope(
        self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext
    ) -> None:
        """A row may update a stored household only if the importer's scope sees it (moving a
        household of another town into one's own village is an update of a record out of scope)."""
        if context.scope.is_everything:
            return
        codes = [r.values["code"] for r in rows]
        stored = set(by_field(Household.objects.only("code"), "code", codes))
        visible = codes_in_scope(context.scope, stored)
        for row in rows:
            if row.values["code"] in stored and row.values["code"] not in visible:
                errors.add(row.number, "code", row.values["code"], "该户不在您的管辖范围内")

    def _check_head_id_numbers(
        self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext
    ) -> None:
        """One person heads one household: within the file (across every chunk of a streaming
        import) and against households already stored."""
        seen: dict[str, int] = context.state.setdefault("head_id_numbers", {})
        fresh: dict[str, ParsedRow] = {}
        for row in rows:
            number = row.values["head_id_number"]
            if number in seen:
                errors.add(row.number, "head_id_number", number, f"与第{seen[number]}行的户主身份证号相同")
            else:
                seen[number] = row.number
                fresh[number] = row
        # Numbers first seen in this chunk: an earlier chunk's households are already in `seen`.
        for chunk in chunks(fresh):
            holders = Household.objects.filter(head_id_number__any=chunk).values_list(
                "head_id_number", "code"
            )
            for number, code in holders:
                row = fresh[number]
                if row.values["code"] != code:
                    errors.add(row.number, "head_id_number", number, f"已是户 {code} 的户主身份证号")

    def import_fast(
        self, data: bytes, filename: str, context: ImportContext, progress: Progress | None = None
    ) -> Report | None:
        labels = Labels(STANDARDS, CATEGORIES, CAUSES, STATUSES, tuple(key for key, _ in SECURITY_COLUMNS))
        return import_households_fast(self, labels, data, filename, context, progress)

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        fields = [c.key for c in self.columns if c.key != "village_code"]
        return households_upsert(
            actor=context.actor,
            rows=[{"village": r.refs["village"], **{key: r.values[key] for key in fields}} for r in rows],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        """Registered households (新识别 and 一般农户 are not ledger statuses) in the scope; ID numbers
        and phones in full only for a scope that may see them, as on the pages."""
        households = household_list(scope).filter(poverty_status__in=REGISTERED_STATUSES).order_by("code")
        for household in households.iterator(chunk_size=2000):
            yield {
                "code": household.code,
                "village_code": household.area_code,
                "head_name": household.head_name,
                "head_id_number": shown_id(household.head_id_number, scope),
                "size": str(household.size),
                "identification_standard": label_of(STANDARDS, household.identification_standard),
                "category": label_of(CATEGORIES, household.category),
                "main_cause": label_of(CAUSES, household.main_cause),
                "other_causes": "、".join(household.other_cause_labels),
                "poverty_status": label_of(STATUSES, household.poverty_status),
                "registered_year": str(household.registered_year),
                "exit_year": number_cell(household.exit_year),
                "phone": shown_phone(household.phone, scope),
                **{key: bool_cell(getattr(household, key)) for key, _ in SECURITY_COLUMNS},
                "net_income_per_capita": decimal_cell(household.net_income_per_capita),
                "longitude": decimal_cell(household.longitude),
                "latitude": decimal_cell(household.latitude),
            }
