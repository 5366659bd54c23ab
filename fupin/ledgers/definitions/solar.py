"""The solar ledgers (ledgers.md, solar-stations 光伏电站 and solar-income 光伏电站收入): the county's
village stations with the villages that own them in shares, and each station's monthly generation
and income. Amounts are yuan with at most two decimals and are kept as fen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fupin.areas.models import Area
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.industry.models import SolarIncome, SolarStation
from fupin.industry.money import fen_to_yuan, yuan_to_fen
from fupin.industry.selectors.solar import station_list
from fupin.industry.services.solar import (
    income_month_problem,
    owner_village_problem,
    solar_incomes_upsert,
    solar_ownerships_upsert,
    solar_stations_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.reading import Cell

MONTH_RE = re.compile(r"^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?$")
MAX_YUAN = Decimal("9999999999.99")
STATION_FIELDS = ("name", "area_code", "capacity_kw", "connected_on")


def yuan(value: Cell) -> int:
    """A money cell in yuan as fen; more than two decimals is an error, not a rounding."""
    text = v.cell_text(value).replace(",", "").replace("，", "").strip()
    try:
        fen = yuan_to_fen(text)
    except ValueError as error:
        raise ValueError(str(error)) from None
    if fen < 0:
        raise ValueError("金额不能为负数")
    if fen > yuan_to_fen(MAX_YUAN):
        raise ValueError("金额过大")
    return fen


def month(value: Cell) -> dt.date:
    """2019-11, 2019/11, 2019年11月, or a date (its month)."""
    if isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).replace(day=1)
    text = v.cell_text(value)
    match = MONTH_RE.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    try:
        return v.date(value).replace(day=1)
    except ValueError:
        raise ValueError("月份格式应为 2019-11、2019/11 或 2019年11月") from None


class SolarStationsLedger(Ledger):
    name = "solar-stations"
    title = "光伏电站"
    key = ("code", "village_code")
    depends_on = ("areas",)
    columns = (
        Column("code", "电站编号", "code", v.text, required=True),
        Column("name", "电站名称", "name", v.text, required=True),
        Column(
            "area_code", "所在区划代码", "area_code", v.code(12), required=True, help="电站所在的乡镇或村"
        ),
        Column(
            "capacity_kw", "装机容量（千瓦）", "capacity_kw", v.decimal(0.01, 99_999_999, 2), required=True
        ),
        Column("connected_on", "并网日期", "connected_on", v.date),
        Column(
            "village_code",
            "所属村区划代码",
            "village_code",
            v.code(12),
            required=True,
            help="联村电站每村一行",
        ),
        Column(
            "share", "产权份额", "share", v.decimal(0.0001, 99999, 4), required=True, help="按份额分配收益"
        ),
    )
    example = {
        "电站编号": "GF001",
        "电站名称": "黄家坝村光伏电站",
        "所在区划代码": "610727100200",
        "装机容量（千瓦）": "300",
        "并网日期": "2017-06-30",
        "所属村区划代码": "610727100200",
        "产权份额": "1",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        codes = {r.values["area_code"] for r in rows} | {r.values["village_code"] for r in rows}
        areas = fetch_by_key(Area, "code", sorted(codes))
        first: dict[str, ParsedRow] = {}
        for row in rows:
            values = row.values
            area, village = areas.get(values["area_code"]), areas.get(values["village_code"])
            if area is None:
                errors.add(row.number, "area_code", values["area_code"], "区划代码不存在")
            problem = owner_village_problem(context.scope, village)
            if problem is not None:
                errors.add(row.number, "village_code", values["village_code"], problem)
            earlier = first.setdefault(values["code"], row)
            for name in STATION_FIELDS:
                if earlier is not row and earlier.values[name] != values[name]:
                    errors.add(
                        row.number, name, values[name] or "", f"与第{earlier.number}行同一电站的该列不一致"
                    )
            row.refs = {"area": area, "village": village}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        stations: dict[str, dict[str, Any]] = {}
        for row in rows:
            values = row.values
            stations.setdefault(
                values["code"],
                {
                    "code": values["code"],
                    "name": values["name"],
                    "area": row.refs["area"],
                    "capacity_kw": values["capacity_kw"],
                    "connected_on": values["connected_on"],
                },
            )
        result = solar_stations_upsert(actor=context.actor, rows=list(stations.values()))
        stored = fetch_by_key(SolarStation, "code", sorted(stations))
        ownerships = [
            {"station": stored[r.values["code"]], "village": r.refs["village"], "share": r.values["share"]}
            for r in rows
        ]
        result.add(solar_ownerships_upsert(actor=context.actor, rows=ownerships))
        return result

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for station in station_list(scope):
            for owner in station.owners.all():
                yield {
                    "code": station.code,
                    "name": station.name,
                    "area_code": station.area.code,
                    "capacity_kw": str(station.capacity_kw),
                    "connected_on": station.connected_on.isoformat() if station.connected_on else "",
                    "village_code": owner.village.code,
                    "share": str(owner.share.normalize()),
                }


class SolarIncomeLedger(Ledger):
    name = "solar-income"
    title = "光伏电站收入"
    key = ("station_code", "month")
    depends_on = ("solar-stations",)
    columns = (
        Column("station_code", "电站编号", "station_code", v.text, required=True),
        Column("month", "月份", "month", month, required=True, help="2019-11"),
        Column(
            "generation_kwh",
            "发电量（千瓦时）",
            "generation_kwh",
            v.decimal(0, 9_999_999_999, 1),
            required=True,
        ),
        Column("income", "发电收入（元）", "income", yuan, required=True, help="到分，最多两位小数"),
    )
    example = {
        "电站编号": "GF001",
        "月份": "2019-11",
        "发电量（千瓦时）": "28500",
        "发电收入（元）": "21375.00",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        problem = income_month_problem(row.values["month"])
        if problem is not None:
            errors.add(row.number, "month", row.values["month"].strftime("%Y-%m"), problem)

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        visible = {
            s.code: s
            for s in station_list(context.scope).filter(code__in={r.values["station_code"] for r in rows})
        }
        for row in rows:
            station = visible.get(row.values["station_code"])
            if station is None:
                errors.add(
                    row.number,
                    "station_code",
                    row.values["station_code"],
                    "电站编号不存在或不在您的管辖范围内",
                )
            row.refs = {"station": station}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return solar_incomes_upsert(
            actor=context.actor,
            rows=[
                {
                    "station": r.refs["station"],
                    "month": r.values["month"],
                    "generation_kwh": r.values["generation_kwh"],
                    "income_fen": r.values["income"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        incomes = SolarIncome.objects.filter(station__in=station_list(scope).values("pk"))
        for income in (
            incomes.select_related("station").order_by("station__code", "month").iterator(chunk_size=2000)
        ):
            yield {
                "station_code": income.station.code,
                "month": income.month.strftime("%Y-%m"),
                "generation_kwh": str(income.generation_kwh),
                "income": str(fen_to_yuan(income.income_fen)),
            }
