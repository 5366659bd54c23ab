"""The mutual-aid ledgers (ledgers.md, mutual-aid-associations 互助资金协会 and mutual-aid-loans
互助资金借款). A loan goes to a household of the association's village, for at most twelve months;
on the day it is made, the association's loans out (stored and in the file) stay within its fund.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fupin.areas.models import Area
from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.industry.models import MutualAidAssociation, MutualAidLoan
from fupin.industry.money import fen_to_yuan, yuan_text
from fupin.industry.services.mutual_aid import (
    ProposedLoan,
    association_problems,
    associations_upsert,
    fund_overrun,
    loan_party_problems,
    loan_terms_problems,
    mutual_aid_loans_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.solar import yuan
from fupin.registry.models import Household


def _in_scope(context: ImportContext, code: str) -> bool:
    return context.scope.can_manage and context.scope.covers_code(code)


class MutualAidAssociationsLedger(Ledger):
    name = "mutual-aid-associations"
    title = "互助资金协会"
    key = ("code",)
    depends_on = ("areas",)
    columns = (
        Column("code", "协会编码", "code", v.text, required=True),
        Column("name", "协会名称", "name", v.text, required=True),
        Column("village_code", "村区划代码", "village_code", v.code(12), required=True),
        Column("fund", "资金总额（元）", "fund", yuan, required=True),
        Column("established_on", "成立日期", "established_on", v.date, required=True),
    )
    example = {
        "协会编码": "HZ001",
        "协会名称": "黄家坝村扶贫互助资金协会",
        "村区划代码": "610727100200",
        "资金总额（元）": "300000",
        "成立日期": "2016-05-01",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        villages = fetch_by_key(Area, "code", sorted({r.values["village_code"] for r in rows}))
        for row in rows:
            village = villages.get(row.values["village_code"])
            for name, message in association_problems(context.scope, village, row.values["fund"]).items():
                errors.add(row.number, name, str(row.values[name]), message)
            row.refs = {"village": village}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return associations_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "name": r.values["name"],
                    "village": r.refs["village"],
                    "fund_fen": r.values["fund"],
                    "established_on": r.values["established_on"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        for item in MutualAidAssociation.objects.filter(scope.area_q("area_code")):
            yield {
                "code": item.code,
                "name": item.name,
                "village_code": item.area_code,
                "fund": str(fen_to_yuan(item.fund_fen)),
                "established_on": item.established_on.isoformat(),
            }


class MutualAidLoansLedger(Ledger):
    name = "mutual-aid-loans"
    title = "互助资金借款"
    key = ("code",)
    depends_on = ("mutual-aid-associations", "households")
    columns = (
        Column("code", "借款编号", "code", v.text, required=True),
        Column("association_code", "协会编码", "association_code", v.text, required=True),
        Column("household_code", "户编号", "household_code", v.text, required=True),
        Column("amount", "借款金额（元）", "amount", yuan, required=True),
        Column("lent_on", "借款日期", "lent_on", v.date, required=True),
        Column("due_on", "约定还款日期", "due_on", v.date, required=True, help="借款后12个月以内"),
        Column("repaid_on", "还清日期", "repaid_on", v.date),
    )
    example = {
        "借款编号": "HZ001-2019-001",
        "协会编码": "HZ001",
        "户编号": "H0001",
        "借款金额（元）": "5000",
        "借款日期": "2019-03-01",
        "约定还款日期": "2020-02-28",
        "还清日期": "",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values
        problems = loan_terms_problems(
            values["amount"], values["lent_on"], values["due_on"], values["repaid_on"]
        )
        for name, message in problems.items():
            shown = yuan_text(values[name]) if name == "amount" else values[name].isoformat()
            errors.add(row.number, name, shown, message)

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        associations = fetch_by_key(
            MutualAidAssociation, "code", sorted({r.values["association_code"] for r in rows})
        )
        households = fetch_by_key(Household, "code", sorted({r.values["household_code"] for r in rows}))
        codes = {r.values["code"] for r in rows}
        for row in rows:
            association = associations.get(row.values["association_code"])
            household = households.get(row.values["household_code"])
            for name, message in loan_party_problems(context.scope, association, household).items():
                errors.add(row.number, name, row.values[name], message)
            row.refs = {"association": association, "household": household}
        # On the day of each loan of the file, and of each stored loan made later (a new loan may
        # crowd out one already made), what the association has out stays within its fund.
        good = [r for r in rows if r.refs.get("association") is not None and r.number not in errors.bad_rows]
        for association in {r.refs["association"] for r in good}:
            mine = sorted(
                (r for r in good if r.refs["association"] is association), key=lambda r: r.values["lent_on"]
            )
            proposed = [
                ProposedLoan(r.values["amount"], r.values["lent_on"], r.values["repaid_on"]) for r in mine
            ]
            overrun = fund_overrun(association, proposed, codes)
            if overrun is not None:
                culprit = mine[overrun[0]]
                errors.add(culprit.number, "amount", yuan_text(culprit.values["amount"]), overrun[1])

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return mutual_aid_loans_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "association": r.refs["association"],
                    "household": r.refs["household"],
                    "amount_fen": r.values["amount"],
                    "lent_on": r.values["lent_on"],
                    "due_on": r.values["due_on"],
                    "repaid_on": r.values["repaid_on"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        loans = MutualAidLoan.objects.filter(scope.area_q("area_code")).select_related(
            "association", "household"
        )
        for item in loans.order_by("lent_on", "code").iterator(chunk_size=2000):
            yield {
                "code": item.code,
                "association_code": item.association.code,
                "household_code": item.household.code,
                "amount": str(fen_to_yuan(item.amount_fen)),
                "lent_on": item.lent_on.isoformat(),
                "due_on": item.due_on.isoformat(),
                "repaid_on": item.repaid_on.isoformat() if item.repaid_on else "",
            }
