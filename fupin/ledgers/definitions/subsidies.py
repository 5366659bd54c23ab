"""The subsidy ledgers (ledgers.md, subsidy-standards 补助标准 and industry-subsidies 到户产业补助):
the county's tiered standards by industry and year, and the households' subsidies with each step
of 以奖代补 (application, acceptance with scale, publicity, payment). A row is judged by the same
order checks as the pages (services.subsidies.stage_problems); its amount, when given, must be the
standard's amount for the accepted scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from django.utils import timezone

from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.industry.models import FeaturedIndustry, HouseholdSubsidy, SubsidyStandard
from fupin.industry.money import fen_to_yuan, yuan_text
from fupin.industry.selectors.industries import industry_list
from fupin.industry.services.subsidies import (
    ELIGIBLE,
    stage_problems,
    standard_amount,
    status_of,
    subsidies_upsert,
    subsidy_standards_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.solar import yuan
from fupin.registry.models import Household, PovertyStatus

SCALE = v.decimal(0.01, 9_999_999_999, 2)


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


class SubsidyStandardsLedger(Ledger):
    name = "subsidy-standards"
    title = "补助标准"
    key = ("industry_code", "year", "min_scale")
    depends_on = ("featured-industries",)
    columns = (
        Column("industry_code", "产业编码", "industry_code", v.text, required=True),
        Column("year", "年度", "year", v.integer(2014, 2100), required=True),
        Column("min_scale", "起点规模", "min_scale", SCALE, required=True, help="达到该规模即享受本档"),
        Column("amount", "补助金额（元）", "amount", yuan, required=True),
    )
    example = {"产业编码": "CY01", "年度": "2019", "起点规模": "100", "补助金额（元）": "1000"}

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        if row.values["amount"] == 0:
            errors.add(row.number, "amount", "0", "补助金额须大于0")

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        industries = fetch_by_key(
            FeaturedIndustry.objects.select_related("county"),
            "code",
            sorted({r.values["industry_code"] for r in rows}),
        )
        for row in rows:
            industry = industries.get(row.values["industry_code"])
            if industry is None:
                errors.add(row.number, "industry_code", row.values["industry_code"], "产业编码不存在")
            elif not (context.scope.can_manage and context.scope.covers_code(industry.county.code)):
                errors.add(row.number, "industry_code", industry.code, "不在您的管辖范围内")
            row.refs = {"industry": industry}
        # A higher tier never pays less than a lower one of the same industry and year.
        tiers: dict[tuple[str, int], list[ParsedRow]] = {}
        for row in rows:
            tiers.setdefault((row.values["industry_code"], row.values["year"]), []).append(row)
        for group in tiers.values():
            group.sort(key=lambda r: r.values["min_scale"])
            for lower, higher in pairwise(group):
                if higher.values["amount"] < lower.values["amount"]:
                    errors.add(
                        higher.number,
                        "amount",
                        yuan_text(higher.values["amount"]),
                        f"高一档的补助金额不能低于第{lower.number}行（起点规模更低）的金额",
                    )

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return subsidy_standards_upsert(
            actor=context.actor,
            rows=[
                {
                    "industry": r.refs["industry"],
                    "year": r.values["year"],
                    "min_scale": r.values["min_scale"],
                    "amount_fen": r.values["amount"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for tier in SubsidyStandard.objects.filter(industry__in=industry_list(scope)).select_related(
            "industry"
        ):
            yield {
                "industry_code": tier.industry.code,
                "year": str(tier.year),
                "min_scale": str(tier.min_scale),
                "amount": str(fen_to_yuan(tier.amount_fen)),
            }


class IndustrySubsidiesLedger(Ledger):
    name = "industry-subsidies"
    title = "到户产业补助"
    key = ("code",)
    depends_on = ("households", "featured-industries", "subsidy-standards")
    columns = (
        Column("code", "补助编号", "code", v.text, required=True),
        Column("household_code", "户编号", "household_code", v.text, required=True),
        Column("industry_code", "产业编码", "industry_code", v.text, required=True),
        Column("year", "年度", "year", v.integer(2014, 2100), required=True),
        Column("project", "建设内容", "project", v.text, required=True),
        Column("planned_scale", "计划规模", "planned_scale", SCALE, required=True),
        Column("applied_on", "申请日期", "applied_on", v.date, required=True),
        Column("passed", "验收通过", "passed", v.boolean, options=("是", "否"), help="验收后填写"),
        Column("accepted_on", "验收日期", "accepted_on", v.date),
        Column("accepted_scale", "验收规模", "accepted_scale", SCALE),
        Column("amount", "补助金额（元）", "amount", yuan, help="可不填，按补助标准计算；填写时须与标准一致"),
        Column("publicised_on", "公示日期", "publicised_on", v.date),
        Column("paid_on", "兑付日期", "paid_on", v.date),
    )
    example = {
        "补助编号": "BZ2019001",
        "户编号": "H0001",
        "产业编码": "CY01",
        "年度": "2019",
        "建设内容": "新建鸡舍，养殖乌鸡",
        "计划规模": "200",
        "申请日期": "2019-03-10",
        "验收通过": "是",
        "验收日期": "2019-09-20",
        "验收规模": "220",
        "补助金额（元）": "2000",
        "公示日期": "2019-09-25",
        "兑付日期": "2019-10-08",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        if values["accepted_on"] is None and values["passed"] is not None:
            errors.add(row.number, "accepted_on", "", "填写了验收结论，须填写验收日期")
        if values["accepted_on"] is not None and values["passed"] is None:
            errors.add(row.number, "passed", "", "填写了验收日期，须填写是否验收通过")
        checked = values | {"passed": values["passed"] is not False}
        for column, message in stage_problems(checked, timezone.localdate()).items():
            errors.add(
                row.number, column, _day(values.get(column)) if column != "accepted_scale" else "", message
            )

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        households = fetch_by_key(Household, "code", sorted({r.values["household_code"] for r in rows}))
        industries = fetch_by_key(
            FeaturedIndustry.objects.select_related("county"),
            "code",
            sorted({r.values["industry_code"] for r in rows}),
        )
        for row in rows:
            values = row.values
            household, industry = (
                households.get(values["household_code"]),
                industries.get(values["industry_code"]),
            )
            if household is None:
                errors.add(row.number, "household_code", values["household_code"], "户编号不存在")
            elif not (context.scope.can_manage and context.scope.covers_code(household.area_code)):
                errors.add(row.number, "household_code", household.code, "不在您的管辖范围内")
            elif household.poverty_status not in ELIGIBLE:
                label = PovertyStatus(household.poverty_status).label
                errors.add(
                    row.number, "household_code", household.code, f"该户脱贫属性为“{label}”，不能享受产业补助"
                )
            if industry is None:
                errors.add(row.number, "industry_code", values["industry_code"], "产业编码不存在")
            if household is None or industry is None:
                continue
            amount = None
            if values["passed"] and values["accepted_scale"] is not None:
                amount = standard_amount(industry, values["year"], values["accepted_scale"])
                if amount is None:
                    errors.add(
                        row.number,
                        "accepted_scale",
                        str(values["accepted_scale"]),
                        f"未达到{values['year']}年{industry.name}的最低补助标准",
                    )
                elif values["amount"] is not None and values["amount"] != amount:
                    errors.add(
                        row.number,
                        "amount",
                        yuan_text(values["amount"]),
                        f"与补助标准不符：验收规模{values['accepted_scale']}应补助{yuan_text(amount)}元",
                    )
            elif values["amount"] is not None:
                errors.add(
                    row.number, "amount", yuan_text(values["amount"]), "以奖代补：验收通过后才有补助金额"
                )
            row.refs = {"household": household, "industry": industry, "amount": amount}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        prepared = []
        for row in rows:
            values = row.values
            passed = values["passed"] is not False
            prepared.append(
                {
                    "code": values["code"],
                    "household": row.refs["household"],
                    "industry": row.refs["industry"],
                    "year": values["year"],
                    "project": values["project"],
                    "planned_scale": values["planned_scale"],
                    "applied_on": values["applied_on"],
                    "status": status_of(values | {"passed": passed}),
                    "accepted_on": values["accepted_on"],
                    "accepted_scale": values["accepted_scale"] if passed else None,
                    "amount_fen": row.refs["amount"],
                    "publicised_on": values["publicised_on"],
                    "paid_on": values["paid_on"],
                }
            )
        return subsidies_upsert(actor=context.actor, rows=prepared)

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        subsidies = HouseholdSubsidy.objects.filter(scope.area_q("area_code")).select_related(
            "household", "industry"
        )
        for item in subsidies.order_by("year", "code").iterator(chunk_size=2000):
            accepted = item.accepted_on is not None
            yield {
                "code": item.code,
                "household_code": item.household.code,
                "industry_code": item.industry.code,
                "year": str(item.year),
                "project": item.project,
                "planned_scale": str(item.planned_scale),
                "applied_on": _day(item.applied_on),
                "passed": ("是" if item.status != "rejected" else "否") if accepted else "",
                "accepted_on": _day(item.accepted_on),
                "accepted_scale": "" if item.accepted_scale is None else str(item.accepted_scale),
                "amount": "" if item.amount_fen is None else str(fen_to_yuan(item.amount_fen)),
                "publicised_on": _day(item.publicised_on),
                "paid_on": _day(item.paid_on),
            }
