"""The indicator-values ledger (docs/ledgers.md, indicator-values 指标数据): the values and annual
plans of the data sets, one value a row, as a county office keeps them in Excel and as a data set's
export writes them (so an export imports back unchanged).

A row names an indicator by code, an area of the level that reports it, a period in the form of the
indicator's data set (2019-11 monthly, 2019Q3 quarterly, 2019 yearly; a plan's period is its year),
and a value checked by the entry form's rules (integers, decimal places, non-negative or the
indicator's range, the rules between indicators of the same form, among the file's values and those
already stored for the form). A value of a report already submitted or approved is refused: the lock
holds for imports too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fupin.areas.models import Area
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.indicators.exports import value_rows
from fupin.indicators.models import DataSet, DataValue, Indicator, PeriodType, ValueKind
from fupin.indicators.models.indicators import period_label
from fupin.indicators.services.imports import ValueRow, locked_reports, values_upsert
from fupin.indicators.validation import rule_problems, value_problem
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors

KINDS: dict[str, str] = {"实际值": ValueKind.ACTUAL.value, "年度计划": ValueKind.PLAN.value}
PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})|[Qq]([1-4])|年?)$")


def parse_period(cell: Any) -> tuple[int, str, int]:
    """(year, period type, period) of 2019-11, 2019Q3 or 2019."""
    text = v.text(cell)
    match = PERIOD_RE.match(text)
    if not match:
        raise ValueError("期间应为 2019-11（月）、2019Q3（季）或 2019（年）")
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError("月份应为1–12")
        return year, PeriodType.MONTH, month
    if match.group(3):
        return year, PeriodType.QUARTER, int(match.group(3))
    return year, PeriodType.YEAR, 0


def shown_period(parsed: tuple[int, str, int]) -> str:
    year, period_type, period = parsed
    return period_label(period_type, year, period)


class IndicatorValuesLedger(Ledger):
    name = "indicator-values"
    title = "指标数据"
    key = ("indicator_code", "area_code", "kind", "period")
    depends_on = ("areas",)
    columns = (
        Column("indicator_code", "指标编码", "indicator_code", v.text, required=True),
        Column("area_code", "区划代码", "area_code", v.code(12), required=True, help="报表填报层级的区划"),
        Column(
            "period",
            "期间",
            "period",
            parse_period,
            required=True,
            help="2019-11、2019Q3 或 2019；年度计划填年份",
        ),
        Column("kind", "类型", "kind", v.choice(KINDS), options=tuple(KINDS), help="空为实际值"),
        Column("value", "数值", "value", v.decimal(places=4), required=True),
        Column("comment", "说明", "comment", v.text),
    )
    example = {
        "指标编码": "NY01",
        "区划代码": "610727100000",
        "期间": "2019-11",
        "类型": "实际值",
        "数值": "512.3",
        "说明": "",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        values["kind"] = values["kind"] or ValueKind.ACTUAL
        if not context.scope.covers_code(values["area_code"]):
            errors.add(row.number, "area_code", values["area_code"], "不在您的管辖范围内")
        if values["kind"] == ValueKind.PLAN and values["period"][1] != PeriodType.YEAR:
            errors.add(
                row.number, "period", shown_period(values["period"]), "年度计划的期间应为年份，如 2019"
            )
        if len(values["comment"] or "") > 500:
            errors.add(row.number, "comment", "", "说明不能超过500个字符")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        indicators = fetch_by_key(Indicator, "code", sorted({r.values["indicator_code"] for r in rows}))
        areas = fetch_by_key(Area, "code", sorted({r.values["area_code"] for r in rows}))
        # An indicator is entered through the first data set (by code) that still takes it.
        sets: dict[int, DataSet] = {}
        for data_set in DataSet.objects.filter(active=True).prefetch_related("indicators").order_by("code"):
            for indicator in data_set.indicators.all():
                sets.setdefault(indicator.pk, data_set)
        for row in rows:
            self._resolve_row(row, errors, indicators, areas, sets)
        resolved = [r for r in rows if r.refs]
        locked = locked_reports({r.refs["row"].report_key for r in resolved})
        for row in resolved:
            if row.refs["row"].report_key in locked:
                errors.add(
                    row.number,
                    "period",
                    shown_period(row.values["period"]),
                    "该期报表已上报或已审核，数据已锁定",
                )
                row.refs = {}
        self._check_rules([r for r in rows if r.refs], errors)

    def _resolve_row(
        self,
        row: ParsedRow,
        errors: RowErrors,
        indicators: dict[str, Indicator],
        areas: dict[str, Area],
        sets: dict[int, DataSet],
    ) -> None:
        values = row.values
        indicator, area = indicators.get(values["indicator_code"]), areas.get(values["area_code"])
        year, period_type, period = values["period"]
        if indicator is not None and not indicator.active:
            errors.add(
                row.number, "indicator_code", indicator.code, f"指标“{indicator.name}”已停用，不再填报"
            )
            return
        if indicator is None or indicator.pk not in sets:
            errors.add(
                row.number,
                "indicator_code",
                values["indicator_code"],
                "指标编码不存在或不属于任何在用的报表",
            )
            return
        data_set = sets[indicator.pk]
        if area is None:
            errors.add(row.number, "area_code", values["area_code"], "区划代码不存在")
            return
        if area.level != data_set.level:
            errors.add(
                row.number, "area_code", area.code, f"“{data_set.name}”由{data_set.get_level_display()}级填报"
            )
            return
        if values["kind"] == ValueKind.ACTUAL and period_type != data_set.period_type:
            errors.add(
                row.number,
                "period",
                shown_period(values["period"]),
                f"“{data_set.name}”为{data_set.get_period_type_display()}",
            )
            return
        reason = value_problem(indicator, values["value"])
        if reason:
            errors.add(row.number, "value", values["value"], reason)
            return
        row.refs = {
            "row": ValueRow(
                data_set,
                indicator,
                area,
                values["kind"],
                year,
                period,
                values["value"],
                values["comment"] or "",
            )
        }

    def _check_rules(self, rows: list[ParsedRow], errors: RowErrors) -> None:
        """The rules between indicators of one form (data set × area × period), among the file's
        values and those already stored for that form (the file's value wins where both exist).
        A broken rule is reported on each row of the file it involves, naming both indicators."""
        forms: dict[tuple[int, int, str, int, int], list[ParsedRow]] = defaultdict(list)
        for row in rows:
            if row.refs["row"].kind == ValueKind.ACTUAL:
                forms[row.refs["row"].report_key].append(row)
        stored = _stored_values([r.refs["row"] for members in forms.values() for r in members])
        for members in forms.values():
            first: ValueRow = members[0].refs["row"]
            form_key = (first.area.pk, first.kind, first.period_type, first.year, first.period)
            given = dict(stored.get(form_key, {}))
            from_file = {r.refs["row"].indicator.pk: r.refs["row"].value for r in members}
            given.update(from_file)
            kept = set(given) - set(from_file)
            by_indicator = {r.refs["row"].indicator.pk: r for r in members}
            flagged: set[int] = set()
            for rule, reason in rule_problems(first.data_set, given, stored=kept):
                for indicator_id in (rule.left_id, rule.right_id):
                    hit = by_indicator.get(indicator_id)
                    if hit is not None and hit.number not in flagged:
                        flagged.add(hit.number)
                        errors.add(hit.number, "value", hit.values["value"], reason)

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return values_upsert(actor=context.actor, rows=[r.refs["row"] for r in rows])

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        return value_rows(DataValue.objects.filter(scope.area_q("area_code")))


FormKey = tuple[int, str, str, int, int]  # area, kind, period type, year, period


def _stored_values(rows: list[ValueRow]) -> dict[FormKey, dict[int, Decimal]]:
    """The values already stored for the forms the rows belong to: form key → indicator id → value
    (one query)."""
    if not rows:
        return {}
    indicators = {i.pk for r in rows for i in r.data_set.indicators.all()}
    found = DataValue.objects.filter(
        indicator_id__in=indicators,
        area_id__in={r.area.pk for r in rows},
        kind=ValueKind.ACTUAL,
        year__in={r.year for r in rows},
    ).values_list("indicator_id", "area_id", "kind", "period_type", "year", "period", "value")
    wanted = {(r.area.pk, r.kind, r.period_type, r.year, r.period) for r in rows}
    stored: dict[FormKey, dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, area_id, kind, period_type, year, period, value in found:
        key = (area_id, kind, period_type, year, period)
        if key in wanted:
            stored[key][indicator_id] = value
    return stored
