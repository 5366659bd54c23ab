"""The community-factories and transfer-employment ledgers (ledgers.md). A factories row is one
worker of one factory, or the factory alone; the factory's own cells must agree on every row that
names it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.models import choice_label
from fupin.core.scope import Scope
from fupin.employment.models import CommunityFactory, Region
from fupin.employment.selectors.programmes import factory_list, factory_worker_list, transfer_list
from fupin.employment.services.common import may_write
from fupin.employment.services.programmes import (
    factories_upsert,
    factory_workers_upsert,
    transfer_problems,
    transfers_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.employment.common import (
    REGIONS,
    agree,
    areas_by_code,
    day,
    laborers_by_id,
    number,
    put_problems,
)
from fupin.ledgers.definitions.employment.laborers import OUT_OF_AREA
from fupin.ledgers.definitions.employment.programmes import NO_LABORER


class CommunityFactoriesLedger(Ledger):
    name = "community-factories"
    title = "社区工厂"
    key = ("code", "id_number", "start_date")
    depends_on = ("areas", "laborers")
    factory = ("name", "area_code", "industry", "opened")
    columns = (
        Column(
            "code",
            "工厂编号",
            "code",
            v.text,
            required=True,
            help="每名务工人员一行；只登记工厂时身份证号不填",
        ),
        Column("name", "工厂名称", "name", v.text, required=True),
        Column("area_code", "区划代码", "area_code", v.code(12), required=True, help="工厂所在的镇或村"),
        Column("industry", "主营产品", "industry", v.text),
        Column("opened", "投产日期", "opened", v.date),
        Column("id_number", "身份证号", "id_number", v.id_number, help="务工人员，须是已登记的劳动力"),
        Column("start_date", "入职日期", "start_date", v.date, help="填了身份证号时必填"),
        Column("end_date", "离职日期", "end_date", v.date, help="空 = 仍在厂"),
        Column("monthly_wage", "月工资", "monthly_wage", v.decimal(0, 99_999), help="元"),
    )
    example = {
        "工厂编号": "SQ01",
        "工厂名称": "兴州街道毛绒玩具社区工厂",
        "区划代码": "610727100000",
        "主营产品": "毛绒玩具",
        "投产日期": "2018-06-01",
        "身份证号": "610727198001010015",
        "入职日期": "2018-07-01",
        "离职日期": "",
        "月工资": "2200",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        if values["id_number"] and values["start_date"] is None:
            errors.add(row.number, "start_date", "", "填了身份证号时须填写入职日期")
        if not values["id_number"] and any(
            values[c] is not None for c in ("start_date", "end_date", "monthly_wage")
        ):
            errors.add(row.number, "id_number", "", "填了入职信息时须填写身份证号")
        if values["end_date"] and values["start_date"] and values["end_date"] < values["start_date"]:
            errors.add(row.number, "end_date", values["end_date"], "离职日期不能早于入职日期")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        agree(errors.all_rows or rows, "code", self.factory, errors, "工厂编号")
        areas = areas_by_code(r.values["area_code"] for r in rows)
        laborers = laborers_by_id(r.values["id_number"] for r in rows)
        for row in rows:
            if row.number in errors.bad_rows:
                continue
            area = areas.get(row.values["area_code"])
            number_ = row.values["id_number"]
            laborer = laborers.get(number_) if number_ else None
            if area is None:
                errors.add(row.number, "area_code", row.values["area_code"], "区划代码不存在")
            if number_ and laborer is None:
                errors.add(row.number, "id_number", number_, NO_LABORER)
            if area is None or (number_ and laborer is None):
                continue
            if not may_write(context.scope, area.code):
                errors.add(row.number, "area_code", area.code, OUT_OF_AREA)
            elif laborer is not None and laborer.area_code[:6] != area.code[:6]:
                errors.add(row.number, "id_number", number_, "不是本县劳动力")
            else:
                row.refs = {"area": area, "laborer": laborer}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        factories: dict[str, dict[str, Any]] = {}
        for row in rows:
            factories.setdefault(
                row.values["code"],
                {
                    "code": row.values["code"],
                    "name": row.values["name"],
                    "area": row.refs["area"],
                    "industry": row.values["industry"],
                    "opened": row.values["opened"],
                },
            )
        result = factories_upsert(actor=context.actor, scope=context.scope, rows=list(factories.values()))
        stored = fetch_by_key(CommunityFactory, "code", sorted(factories))
        workers = [
            {
                "factory": stored[r.values["code"]],
                "laborer": r.refs["laborer"],
                "start_date": r.values["start_date"],
                "end_date": r.values["end_date"],
                "monthly_wage": r.values["monthly_wage"],
            }
            for r in rows
            if r.refs["laborer"] is not None
        ]
        if workers:
            result.add(factory_workers_upsert(actor=context.actor, scope=context.scope, rows=workers))
        return result

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        with_workers = set()
        for worker in factory_worker_list(scope).iterator(chunk_size=2000):
            with_workers.add(worker.factory_id)
            yield self._factory_cells(worker.factory) | {
                "id_number": worker.laborer.id_number,
                "start_date": day(worker.start_date),
                "end_date": day(worker.end_date),
                "monthly_wage": number(worker.monthly_wage),
            }
        for factory in factory_list(scope).order_by("code"):
            if factory.pk not in with_workers:
                yield self._factory_cells(factory) | {
                    k: "" for k in ("id_number", "start_date", "end_date", "monthly_wage")
                }

    @staticmethod
    def _factory_cells(factory: CommunityFactory) -> dict[str, Any]:
        return {
            "code": factory.code,
            "name": factory.name,
            "area_code": factory.area_code,
            "industry": factory.industry,
            "opened": day(factory.opened),
        }


class TransferEmploymentLedger(Ledger):
    name = "transfer-employment"
    title = "转移就业"
    key = ("id_number", "year")
    depends_on = ("laborers",)
    columns = (
        Column("id_number", "身份证号", "id_number", v.id_number, required=True, help="须是已登记的劳动力"),
        Column("year", "年度", "year", v.integer(2013, 2035), required=True),
        Column("region", "务工地域", "region", v.choice(REGIONS), required=True, options=tuple(REGIONS)),
        Column("place", "务工地点", "place", v.text),
        Column("employer", "用工单位", "employer", v.text),
        Column("months", "务工月数", "months", v.integer(1, 12), required=True),
        Column("income", "务工收入", "income", v.decimal(0, 9_999_999), required=True, help="元，全年"),
    )
    example = {
        "身份证号": "610727198001010015",
        "年度": "2019",
        "务工地域": "省外",
        "务工地点": "广东省东莞市",
        "用工单位": "某电子厂",
        "务工月数": "10",
        "务工收入": "36000",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        laborers = laborers_by_id(r.values["id_number"] for r in rows)
        for row in rows:
            laborer = laborers.get(row.values["id_number"])
            if laborer is None:
                errors.add(row.number, "id_number", row.values["id_number"], NO_LABORER)
            elif problems := transfer_problems(row.values):
                put_problems(errors, row, problems, {})
            elif not may_write(context.scope, laborer.area_code):
                errors.add(row.number, "id_number", row.values["id_number"], OUT_OF_AREA)
            else:
                row.refs = {"laborer": laborer}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        prepared = [
            {name: r.values[name] for name in ("year", "region", "place", "employer", "months", "income")}
            | {"laborer": r.refs["laborer"]}
            for r in rows
        ]
        return transfers_upsert(actor=context.actor, scope=context.scope, rows=prepared)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for transfer in transfer_list(scope).iterator(chunk_size=2000):
            yield {
                "id_number": transfer.laborer.id_number,
                "year": str(transfer.year),
                "region": choice_label(Region, transfer.region),
                "place": transfer.place,
                "employer": transfer.employer,
                "months": str(transfer.months),
                "income": number(transfer.income),
            }
