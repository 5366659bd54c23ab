"""The industry-insurance ledgers (ledgers.md, insurance-policies 产业保险保单 and insurance-claims
理赔记录), as the insurers report them. A policy's government share of the premium never exceeds
the premium; a claim happens within the policy's period, is paid on or after it happened, and all
claims of a policy stay within its sum insured.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.industry.models import FeaturedIndustry, InsuranceClaim, InsurancePolicy
from fupin.industry.money import fen_to_yuan, yuan_text
from fupin.industry.services.insurance import (
    claim_amount_problems,
    claim_policy_problems,
    claims_total_problem,
    claims_upsert,
    paid_elsewhere,
    policies_upsert,
    policy_household_problems,
    policy_problems,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.solar import yuan
from fupin.registry.models import Household

# Service field → ledger column.
POLICY_COLUMNS = {
    "sum_insured_fen": "sum_insured",
    "premium_fen": "premium",
    "premium_subsidy_fen": "premium_subsidy",
    "ends_on": "ends_on",
}


class InsurancePoliciesLedger(Ledger):
    name = "insurance-policies"
    title = "产业保险保单"
    key = ("code",)
    depends_on = ("households", "featured-industries")
    columns = (
        Column("code", "保单号", "code", v.text, required=True),
        Column("household_code", "户编号", "household_code", v.text, required=True),
        Column("insurer", "保险公司", "insurer", v.text, required=True),
        Column("industry_code", "投保产业编码", "industry_code", v.text, required=True),
        Column("sum_insured", "保险金额（元）", "sum_insured", yuan, required=True),
        Column("premium", "保费（元）", "premium", yuan, required=True),
        Column("premium_subsidy", "财政补贴保费（元）", "premium_subsidy", yuan, required=True),
        Column("starts_on", "保险起期", "starts_on", v.date, required=True),
        Column("ends_on", "保险止期", "ends_on", v.date, required=True),
    )
    example = {
        "保单号": "PICC2019001",
        "户编号": "H0001",
        "保险公司": "中国人民财产保险略阳支公司",
        "投保产业编码": "CY01",
        "保险金额（元）": "6000",
        "保费（元）": "300",
        "财政补贴保费（元）": "240",
        "保险起期": "2019-04-01",
        "保险止期": "2020-03-31",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        problems = policy_problems(
            sum_insured_fen=values["sum_insured"],
            premium_fen=values["premium"],
            premium_subsidy_fen=values["premium_subsidy"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
        )
        for name, message in problems.items():
            column = POLICY_COLUMNS[name]
            value = values[column]
            shown = value.isoformat() if column == "ends_on" else yuan_text(value)
            errors.add(row.number, column, shown, message)

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        households = fetch_by_key(Household, "code", sorted({r.values["household_code"] for r in rows}))
        industries = fetch_by_key(FeaturedIndustry, "code", sorted({r.values["industry_code"] for r in rows}))
        for row in rows:
            household = households.get(row.values["household_code"])
            industry = industries.get(row.values["industry_code"])
            for name, message in policy_household_problems(context.scope, household, industry).items():
                errors.add(row.number, name, row.values[name], message)
            row.refs = {"household": household, "industry": industry}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return policies_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "household": r.refs["household"],
                    "insurer": r.values["insurer"],
                    "industry": r.refs["industry"],
                    "sum_insured_fen": r.values["sum_insured"],
                    "premium_fen": r.values["premium"],
                    "premium_subsidy_fen": r.values["premium_subsidy"],
                    "starts_on": r.values["starts_on"],
                    "ends_on": r.values["ends_on"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        policies = InsurancePolicy.objects.filter(scope.area_q("area_code")).select_related(
            "household", "industry"
        )
        for item in policies.order_by("starts_on", "code").iterator(chunk_size=2000):
            yield {
                "code": item.code,
                "household_code": item.household.code,
                "insurer": item.insurer,
                "industry_code": item.industry.code,
                "sum_insured": str(fen_to_yuan(item.sum_insured_fen)),
                "premium": str(fen_to_yuan(item.premium_fen)),
                "premium_subsidy": str(fen_to_yuan(item.premium_subsidy_fen)),
                "starts_on": item.starts_on.isoformat(),
                "ends_on": item.ends_on.isoformat(),
            }


class InsuranceClaimsLedger(Ledger):
    name = "insurance-claims"
    title = "理赔记录"
    key = ("policy_code", "occurred_on")
    depends_on = ("insurance-policies",)
    columns = (
        Column("policy_code", "保单号", "policy_code", v.text, required=True),
        Column("occurred_on", "出险日期", "occurred_on", v.date, required=True),
        Column("cause", "出险原因", "cause", v.text, required=True),
        Column("paid_on", "赔付日期", "paid_on", v.date, required=True),
        Column("paid", "赔付金额（元）", "paid", yuan, required=True),
    )
    example = {
        "保单号": "PICC2019001",
        "出险日期": "2019-07-12",
        "出险原因": "暴雨致鸡舍倒塌",
        "赔付日期": "2019-08-01",
        "赔付金额（元）": "1800",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        for name, message in claim_amount_problems(
            values["occurred_on"], values["paid_on"], values["paid"]
        ).items():
            shown = yuan_text(values["paid"]) if name == "paid" else values[name].isoformat()
            errors.add(row.number, name, shown, message)

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        policies = fetch_by_key(InsurancePolicy, "code", sorted({r.values["policy_code"] for r in rows}))
        by_policy: dict[str, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            policy = policies.get(row.values["policy_code"])
            if policy is None:
                errors.add(row.number, "policy_code", row.values["policy_code"], "保单号不存在")
                continue
            problems = claim_policy_problems(context.scope, policy, row.values["occurred_on"])
            if "policy_code" in problems:
                errors.add(row.number, "policy_code", policy.code, problems["policy_code"])
                continue
            for name, message in problems.items():
                errors.add(row.number, name, row.values[name].isoformat(), message)
            row.refs = {"policy": policy}
            by_policy[policy.code].append(row)
        for code, group in by_policy.items():
            policy = policies[code]
            total = paid_elsewhere(policy, {r.values["occurred_on"] for r in group}) + sum(
                r.values["paid"] for r in group
            )
            problem = claims_total_problem(policy, total)
            if problem is not None:
                last = group[-1]
                errors.add(last.number, "paid", yuan_text(last.values["paid"]), problem)

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return claims_upsert(
            actor=context.actor,
            rows=[
                {
                    "policy": r.refs["policy"],
                    "occurred_on": r.values["occurred_on"],
                    "cause": r.values["cause"],
                    "paid_on": r.values["paid_on"],
                    "paid_fen": r.values["paid"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        claims = InsuranceClaim.objects.filter(scope.area_q("policy__area_code")).select_related("policy")
        for item in claims.order_by("policy__code", "occurred_on").iterator(chunk_size=2000):
            yield {
                "policy_code": item.policy.code,
                "occurred_on": item.occurred_on.isoformat(),
                "cause": item.cause,
                "paid_on": item.paid_on.isoformat(),
                "paid": str(fen_to_yuan(item.paid_fen)),
            }
