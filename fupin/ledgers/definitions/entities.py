"""The benefit-linkage ledgers (ledgers.md, business-entities 新型经营主体, benefit-links 利益联结
and link-incomes 联结收益): co-operatives and firms, the households each is linked to with the way
and dates of the agreement, and the income each household received from its link by year.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.areas.models import Area
from fupin.core.bulk import UpsertResult, fetch_by_composite_key, fetch_by_key
from fupin.core.scope import Scope
from fupin.industry.models import (
    BenefitLink,
    BusinessEntity,
    EntityKind,
    FeaturedIndustry,
    LinkIncome,
    LinkType,
)
from fupin.industry.money import fen_to_yuan
from fupin.industry.services.entities import (
    entities_upsert,
    entity_problems,
    link_dates_problem,
    link_income_problems,
    link_incomes_upsert,
    link_problems,
    links_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.solar import yuan
from fupin.registry.models import Household

KIND_LABELS = {str(label): value for value, label in EntityKind.choices}
KIND_NAMES = {value: label for label, value in KIND_LABELS.items()}
TYPE_LABELS = {str(label): value for value, label in LinkType.choices}
TYPE_NAMES = {value: label for label, value in TYPE_LABELS.items()}


class BusinessEntitiesLedger(Ledger):
    name = "business-entities"
    title = "新型经营主体"
    key = ("code",)
    depends_on = ("areas", "featured-industries")
    columns = (
        Column("code", "主体编码", "code", v.text, required=True, help="如统一社会信用代码"),
        Column("name", "主体名称", "name", v.text, required=True),
        Column("kind", "主体类型", "kind", v.choice(KIND_LABELS), required=True, options=tuple(KIND_LABELS)),
        Column("area_code", "所在区划代码", "area_code", v.code(12), required=True),
        Column("industry_code", "主导产业编码", "industry_code", v.text),
        Column("established_on", "成立日期", "established_on", v.date, required=True),
    )
    example = {
        "主体编码": "93610727MA6Y000001",
        "主体名称": "略阳县某某乌鸡养殖专业合作社",
        "主体类型": "农民专业合作社",
        "所在区划代码": "610727100200",
        "主导产业编码": "CY01",
        "成立日期": "2018-05-20",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        areas = fetch_by_key(Area, "code", sorted({r.values["area_code"] for r in rows}))
        industries = fetch_by_key(
            FeaturedIndustry,
            "code",
            sorted({r.values["industry_code"] for r in rows if r.values["industry_code"]}),
        )
        for row in rows:
            area = areas.get(row.values["area_code"])
            industry = industries.get(row.values["industry_code"]) if row.values["industry_code"] else None
            for name, message in entity_problems(context.scope, area).items():
                errors.add(row.number, name, row.values["area_code"], message)
            if row.values["industry_code"] and industry is None:
                errors.add(row.number, "industry_code", row.values["industry_code"], "产业编码不存在")
            row.refs = {"area": area, "industry": industry}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return entities_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "name": r.values["name"],
                    "kind": r.values["kind"],
                    "area": r.refs["area"],
                    "industry": r.refs["industry"],
                    "established_on": r.values["established_on"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for entity in BusinessEntity.objects.filter(scope.area_q("area_code")).select_related("industry"):
            yield {
                "code": entity.code,
                "name": entity.name,
                "kind": KIND_NAMES[entity.kind],
                "area_code": entity.area_code,
                "industry_code": entity.industry.code if entity.industry else "",
                "established_on": entity.established_on.isoformat(),
            }


class BenefitLinksLedger(Ledger):
    name = "benefit-links"
    title = "利益联结"
    key = ("entity_code", "household_code")
    depends_on = ("business-entities", "households")
    columns = (
        Column("entity_code", "主体编码", "entity_code", v.text, required=True),
        Column("household_code", "户编号", "household_code", v.text, required=True),
        Column(
            "link_type",
            "联结方式",
            "link_type",
            v.choice(TYPE_LABELS),
            required=True,
            options=tuple(TYPE_LABELS),
        ),
        Column("signed_on", "协议签订日期", "signed_on", v.date, required=True),
        Column("ends_on", "协议到期日期", "ends_on", v.date),
    )
    example = {
        "主体编码": "93610727MA6Y000001",
        "户编号": "H0001",
        "联结方式": "订单收购+分红",
        "协议签订日期": "2019-03-01",
        "协议到期日期": "2021-12-31",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        ends, signed = row.values["ends_on"], row.values["signed_on"]
        problem = link_dates_problem(signed, ends)
        if problem is not None:
            errors.add(row.number, "ends_on", ends.isoformat() if ends else "", problem)

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        entities = fetch_by_key(BusinessEntity, "code", sorted({r.values["entity_code"] for r in rows}))
        households = fetch_by_key(Household, "code", sorted({r.values["household_code"] for r in rows}))
        for row in rows:
            entity = entities.get(row.values["entity_code"])
            household = households.get(row.values["household_code"])
            for name, message in link_problems(
                context.scope, entity, household, row.values["signed_on"]
            ).items():
                errors.add(row.number, name, str(row.values[name]), message)
            row.refs = {"entity": entity, "household": household}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return links_upsert(
            actor=context.actor,
            rows=[
                {
                    "entity": r.refs["entity"],
                    "household": r.refs["household"],
                    "link_type": r.values["link_type"],
                    "signed_on": r.values["signed_on"],
                    "ends_on": r.values["ends_on"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        links = BenefitLink.objects.filter(scope.area_q("area_code")).select_related("entity", "household")
        for link in links.order_by("entity__code", "household__code").iterator(chunk_size=2000):
            yield {
                "entity_code": link.entity.code,
                "household_code": link.household.code,
                "link_type": TYPE_NAMES[link.link_type],
                "signed_on": link.signed_on.isoformat(),
                "ends_on": link.ends_on.isoformat() if link.ends_on else "",
            }


class LinkIncomesLedger(Ledger):
    name = "link-incomes"
    title = "联结收益"
    key = ("entity_code", "household_code", "year")
    depends_on = ("benefit-links",)
    columns = (
        Column("entity_code", "主体编码", "entity_code", v.text, required=True),
        Column("household_code", "户编号", "household_code", v.text, required=True),
        Column("year", "年度", "year", v.integer(2014, 2100), required=True),
        Column(
            "income", "实现收益（元）", "income", yuan, required=True, help="分红、租金、工资等该户当年实得"
        ),
    )
    example = {"主体编码": "93610727MA6Y000001", "户编号": "H0001", "年度": "2019", "实现收益（元）": "1200"}

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        entities = fetch_by_key(BusinessEntity, "code", sorted({r.values["entity_code"] for r in rows}))
        households = fetch_by_key(Household, "code", sorted({r.values["household_code"] for r in rows}))
        wanted = [
            (entities[r.values["entity_code"]].pk, households[r.values["household_code"]].pk)
            for r in rows
            if r.values["entity_code"] in entities and r.values["household_code"] in households
        ]
        links = fetch_by_composite_key(BenefitLink, ("entity", "household"), wanted)
        for row in rows:
            entity, household = (
                entities.get(row.values["entity_code"]),
                households.get(row.values["household_code"]),
            )
            link = links.get((entity.pk, household.pk)) if entity and household else None
            if link is None:
                errors.add(
                    row.number, "household_code", row.values["household_code"], "该户与该主体没有利益联结"
                )
                continue
            for name, message in link_income_problems(context.scope, link, row.values["year"]).items():
                errors.add(row.number, name, str(row.values[name]), message)
            row.refs = {"link": link}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return link_incomes_upsert(
            actor=context.actor,
            rows=[
                {"link": r.refs["link"], "year": r.values["year"], "income_fen": r.values["income"]}
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        incomes = LinkIncome.objects.filter(scope.area_q("link__area_code")).select_related(
            "link__entity", "link__household"
        )
        for item in incomes.order_by("link__entity__code", "link__household__code", "year").iterator(
            chunk_size=2000
        ):
            yield {
                "entity_code": item.link.entity.code,
                "household_code": item.link.household.code,
                "year": str(item.year),
                "income": str(fen_to_yuan(item.income_fen)),
            }
