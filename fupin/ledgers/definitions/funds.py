"""The integrated-fund ledgers (ledgers.md, fund-sources 整合资金来源, fund-projects 整合资金项目 and
fund-allocations 资金安排): the county's sources, its projects, and each source's allocation to a
project with what has been spent. A source is never allocated beyond its amount, counting what it
already gives to projects not in the file; spending never exceeds the allocation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from fupin.areas.models import Area, AreaLevel
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.industry.models import FundAllocation, FundLevel, FundProject, FundSource, ProjectKind
from fupin.industry.money import fen_to_yuan, yuan_text
from fupin.industry.services.funds import (
    allocated_elsewhere,
    fund_allocations_upsert,
    fund_projects_upsert,
    fund_sources_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.solar import yuan

LEVELS = {str(label): value for value, label in FundLevel.choices}
LEVEL_NAMES = {value: label for label, value in LEVELS.items()}
KINDS = {str(label): value for value, label in ProjectKind.choices}
KIND_NAMES = {value: label for label, value in KINDS.items()}


def _in_scope(context: ImportContext, code: str) -> bool:
    return context.scope.can_manage and context.scope.covers_code(code)


class FundSourcesLedger(Ledger):
    name = "fund-sources"
    title = "整合资金来源"
    key = ("code",)
    depends_on = ("areas",)
    columns = (
        Column("code", "资金编码", "code", v.text, required=True),
        Column("year", "年度", "year", v.integer(2014, 2100), required=True),
        Column("name", "资金名称", "name", v.text, required=True),
        Column("level", "资金级次", "level", v.choice(LEVELS), required=True, options=tuple(LEVELS)),
        Column("county_code", "县区划代码", "county_code", v.code(12), required=True),
        Column("amount", "金额（元）", "amount", yuan, required=True),
    )
    example = {
        "资金编码": "ZJ2019001",
        "年度": "2019",
        "资金名称": "中央财政专项扶贫资金",
        "资金级次": "中央",
        "县区划代码": "610727000000",
        "金额（元）": "52000000",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        if row.values["amount"] == 0:
            errors.add(row.number, "amount", "0", "金额须大于0")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        counties = fetch_by_key(Area, "code", sorted({r.values["county_code"] for r in rows}))
        for row in rows:
            county = counties.get(row.values["county_code"])
            if county is None or county.level != AreaLevel.COUNTY:
                errors.add(row.number, "county_code", row.values["county_code"], "须是已有的县级区划代码")
            elif not _in_scope(context, county.code):
                errors.add(row.number, "county_code", county.code, "不在您的管辖范围内")
            row.refs = {"county": county}
        stored = {s.code: s for s in FundSource.objects.filter(code__in=[r.values["code"] for r in rows])}
        for row in rows:
            source = stored.get(row.values["code"])
            if source is None or row.number in errors.bad_rows:
                continue
            given = allocated_elsewhere(source, set())
            if row.values["amount"] < given:
                errors.add(
                    row.number,
                    "amount",
                    yuan_text(row.values["amount"]),
                    f"该资金已安排到项目{yuan_text(given)}元，金额不能少于此数",
                )

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return fund_sources_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "county": r.refs["county"],
                    "year": r.values["year"],
                    "name": r.values["name"],
                    "level": r.values["level"],
                    "amount_fen": r.values["amount"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for source in FundSource.objects.filter(scope.area_q("county__code")).select_related("county"):
            yield {
                "code": source.code,
                "year": str(source.year),
                "name": source.name,
                "level": LEVEL_NAMES[source.level],
                "county_code": source.county.code,
                "amount": str(fen_to_yuan(source.amount_fen)),
            }


class FundProjectsLedger(Ledger):
    name = "fund-projects"
    title = "整合资金项目"
    key = ("code",)
    depends_on = ("areas",)
    columns = (
        Column("code", "项目编码", "code", v.text, required=True),
        Column("year", "年度", "year", v.integer(2014, 2100), required=True),
        Column("name", "项目名称", "name", v.text, required=True),
        Column("kind", "项目类别", "kind", v.choice(KINDS), required=True, options=tuple(KINDS)),
        Column("area_code", "实施区划代码", "area_code", v.code(12), required=True),
    )
    example = {
        "项目编码": "XM2019001",
        "年度": "2019",
        "项目名称": "某村产业路硬化",
        "项目类别": "基础设施",
        "实施区划代码": "610727100200",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        areas = fetch_by_key(Area, "code", sorted({r.values["area_code"] for r in rows}))
        for row in rows:
            area = areas.get(row.values["area_code"])
            if area is None:
                errors.add(row.number, "area_code", row.values["area_code"], "区划代码不存在")
            elif not _in_scope(context, area.code):
                errors.add(row.number, "area_code", area.code, "不在您的管辖范围内")
            row.refs = {"area": area}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return fund_projects_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "year": r.values["year"],
                    "name": r.values["name"],
                    "kind": r.values["kind"],
                    "area": r.refs["area"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for project in FundProject.objects.filter(scope.area_q("area_code")):
            yield {
                "code": project.code,
                "year": str(project.year),
                "name": project.name,
                "kind": KIND_NAMES[project.kind],
                "area_code": project.area_code,
            }


class FundAllocationsLedger(Ledger):
    name = "fund-allocations"
    title = "资金安排"
    key = ("source_code", "project_code")
    depends_on = ("fund-sources", "fund-projects")
    columns = (
        Column("source_code", "资金编码", "source_code", v.text, required=True),
        Column("project_code", "项目编码", "project_code", v.text, required=True),
        Column("amount", "安排金额（元）", "amount", yuan, required=True),
        Column("spent", "已支出（元）", "spent", yuan, help="空 = 0；不能超过安排金额"),
    )
    example = {
        "资金编码": "ZJ2019001",
        "项目编码": "XM2019001",
        "安排金额（元）": "800000",
        "已支出（元）": "560000",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        amount, spent = row.values["amount"], row.values["spent"] or 0
        if amount == 0:
            errors.add(row.number, "amount", "0", "安排金额须大于0")
        elif spent > amount:
            errors.add(row.number, "spent", yuan_text(spent), f"已支出超过安排金额{yuan_text(amount)}元")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        sources = fetch_by_key(
            FundSource.objects.select_related("county"),
            "code",
            sorted({r.values["source_code"] for r in rows}),
        )
        projects = fetch_by_key(FundProject, "code", sorted({r.values["project_code"] for r in rows}))
        by_source: dict[str, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            source, project = sources.get(row.values["source_code"]), projects.get(row.values["project_code"])
            if source is None:
                errors.add(row.number, "source_code", row.values["source_code"], "资金编码不存在")
            if project is None:
                errors.add(row.number, "project_code", row.values["project_code"], "项目编码不存在")
            elif not _in_scope(context, project.area_code):
                errors.add(row.number, "project_code", project.code, "不在您的管辖范围内")
            if source is None or project is None:
                continue
            if project.area_code[:6] != source.county.code[:6]:
                errors.add(row.number, "project_code", project.code, "项目不在该资金所属的县")
            elif source.year != project.year:
                errors.add(
                    row.number,
                    "project_code",
                    project.code,
                    f"项目年度{project.year}与资金年度{source.year}不同",
                )
            row.refs = {"source": source, "project": project}
            by_source[source.code].append(row)
        for code, group in by_source.items():
            source = sources[code]
            rewritten = {r.refs["project"].pk for r in group}
            total = allocated_elsewhere(source, rewritten) + sum(r.values["amount"] for r in group)
            if total > source.amount_fen:
                last = group[-1]
                errors.add(
                    last.number,
                    "amount",
                    yuan_text(last.values["amount"]),
                    f"资金“{source.name}”共{yuan_text(source.amount_fen)}元，安排合计{yuan_text(total)}元，超出了",
                )

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return fund_allocations_upsert(
            actor=context.actor,
            rows=[
                {
                    "source": r.refs["source"],
                    "project": r.refs["project"],
                    "amount_fen": r.values["amount"],
                    "spent_fen": r.values["spent"] or 0,
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        allocations = FundAllocation.objects.filter(scope.area_q("project__area_code")).select_related(
            "source", "project"
        )
        for item in allocations.order_by("source__code", "project__code"):
            yield {
                "source_code": item.source.code,
                "project_code": item.project.code,
                "amount": str(fen_to_yuan(item.amount_fen)),
                "spent": str(fen_to_yuan(item.spent_fen)),
            }
