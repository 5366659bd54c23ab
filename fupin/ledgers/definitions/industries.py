"""The industry ledgers (ledgers.md, featured-industries 特色产业 and household-industries
户发展产业): the county's list of featured industries, and each household's industries by year
with their scale in the industry's unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.areas.models import Area, AreaLevel
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.industry.models import FeaturedIndustry, HouseholdIndustry, ScaleUnit
from fupin.industry.selectors.industries import industry_list
from fupin.industry.services.industries import (
    featured_industries_upsert,
    household_industries_upsert,
    household_industry_problems,
    industry_year_problem,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.registry.models import Household

UNIT_LABELS = {str(label): value for value, label in ScaleUnit.choices}
UNIT_NAMES = {value: label for label, value in UNIT_LABELS.items()}


def _yes(value: bool) -> str:
    return "是" if value else "否"


class FeaturedIndustriesLedger(Ledger):
    name = "featured-industries"
    title = "特色产业"
    key = ("code",)
    depends_on = ("areas",)
    columns = (
        Column("code", "产业编码", "code", v.text, required=True),
        Column("name", "产业名称", "name", v.text, required=True),
        Column("county_code", "县区划代码", "county_code", v.code(12), required=True),
        Column(
            "scale_unit",
            "规模单位",
            "scale_unit",
            v.choice(UNIT_LABELS),
            required=True,
            options=tuple(UNIT_LABELS),
        ),
        Column(
            "medium_long_term",
            "中长期产业",
            "medium_long_term",
            v.boolean,
            required=True,
            options=("是", "否"),
        ),
        Column("order", "排序", "order", v.integer(0, 999)),
    )
    example = {
        "产业编码": "CY01",
        "产业名称": "乌鸡",
        "县区划代码": "610727000000",
        "规模单位": "羽（只）",
        "中长期产业": "是",
        "排序": "1",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        counties = fetch_by_key(Area, "code", sorted({r.values["county_code"] for r in rows}))
        names: dict[tuple[str, str], int] = {}
        for row in rows:
            county = counties.get(row.values["county_code"])
            if county is None or county.level != AreaLevel.COUNTY:
                errors.add(row.number, "county_code", row.values["county_code"], "须是已有的县级区划代码")
                continue
            if not context.scope.can_manage or not context.scope.covers_code(county.code):
                errors.add(row.number, "county_code", county.code, "不在您的管辖范围内")
                continue
            key = (county.code, row.values["name"])
            if key in names:
                errors.add(row.number, "name", row.values["name"], f"与第{names[key]}行产业名称重复")
            names.setdefault(key, row.number)
            row.refs = {"county": county}
        taken = dict(
            FeaturedIndustry.objects.filter(name__in=[r.values["name"] for r in rows]).values_list(
                "name", "code"
            )
        )
        for row in rows:
            code = taken.get(row.values["name"])
            if row.refs and code is not None and code != row.values["code"]:
                errors.add(row.number, "name", row.values["name"], f"该名称已是产业编码 {code} 的名称")

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return featured_industries_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "name": r.values["name"],
                    "county": r.refs["county"],
                    "scale_unit": r.values["scale_unit"],
                    "medium_long_term": r.values["medium_long_term"],
                    "order": r.values["order"] or 0,
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for industry in industry_list(scope):
            yield {
                "code": industry.code,
                "name": industry.name,
                "county_code": industry.county.code,
                "scale_unit": UNIT_NAMES[industry.scale_unit],
                "medium_long_term": _yes(industry.medium_long_term),
                "order": str(industry.order),
            }


class HouseholdIndustriesLedger(Ledger):
    name = "household-industries"
    title = "户发展产业"
    key = ("household_code", "industry_code", "year")
    depends_on = ("households", "featured-industries")
    streaming = True
    columns = (
        Column("household_code", "户编号", "household_code", v.text, required=True),
        Column("industry_code", "产业编码", "industry_code", v.text, required=True),
        Column("year", "年度", "year", v.integer(2014, 2100), required=True),
        Column(
            "scale",
            "规模",
            "scale",
            v.decimal(0.01, 9_999_999_999, 2),
            required=True,
            help="按该产业的规模单位",
        ),
    )
    example = {"户编号": "H0001", "产业编码": "CY01", "年度": "2019", "规模": "120"}

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        problem = industry_year_problem(row.values["year"])
        if problem is not None:
            errors.add(row.number, "year", str(row.values["year"]), problem)

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        households = fetch_by_key(
            Household.objects.only("pk", "code", "area_code", "poverty_status"),
            "code",
            sorted({r.values["household_code"] for r in rows}),
        )
        industries = fetch_by_key(
            FeaturedIndustry.objects.select_related("county"),
            "code",
            sorted({r.values["industry_code"] for r in rows}),
        )
        for row in rows:
            household = households.get(row.values["household_code"])
            industry = industries.get(row.values["industry_code"])
            problems = household_industry_problems(context.scope, household, industry, None)
            for name, message in problems.items():
                shown = household.code if name == "household_code" and household is not None else None
                if name == "industry_code" and industry is not None:
                    shown = industry.code
                errors.add(row.number, name, shown or row.values[name], message)
            row.refs = {"household": household, "industry": industry}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return household_industries_upsert(
            actor=context.actor,
            rows=[
                {
                    "household": r.refs["household"],
                    "industry": r.refs["industry"],
                    "year": r.values["year"],
                    "scale": r.values["scale"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        records = HouseholdIndustry.objects.filter(scope.area_q("area_code")).select_related(
            "household", "industry"
        )
        for record in records.order_by("year", "household__code", "industry__code").iterator(chunk_size=2000):
            yield {
                "household_code": record.household.code,
                "industry_code": record.industry.code,
                "year": str(record.year),
                "scale": str(record.scale),
            }
