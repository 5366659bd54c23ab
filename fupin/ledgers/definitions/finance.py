"""The microcredit ledgers (ledgers.md, microloans 扶贫小额信贷 and loan-repayments 还款记录), as the
banks and the county office keep them. A loan row is checked against the policy
(services.finance.loan_problems) and against the household's other loans; a repayment row against
its loan (not before it was made, never more principal than is owed, counting the file's other
repayments of the loan).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from fupin.core.bulk import UpsertResult, fetch_by_key
from fupin.core.scope import Scope
from fupin.industry.models import LoanRepayment, MicroLoan
from fupin.industry.money import fen_to_yuan
from fupin.industry.services.finance import (
    add_months,
    household_loan_problems,
    loan_problems,
    loans_upsert,
    repayment_problems,
    repayments_upsert,
)
from fupin.ledgers import values as v
from fupin.ledgers.base import Column, ImportContext, Ledger, ParsedRow, RowErrors
from fupin.ledgers.definitions.solar import yuan
from fupin.registry.models import Household, Member

# Service field → ledger column.
LOAN_COLUMNS = {
    "amount_fen": "amount",
    "term_months": "term_months",
    "annual_rate": "annual_rate",
    "purpose": "purpose",
    "household": "household_code",
    "borrower_name": "borrower_id_number",
    "start_date": "start_date",
}


class MicroloansLedger(Ledger):
    name = "microloans"
    title = "扶贫小额信贷"
    key = ("code",)
    depends_on = ("households", "members")
    columns = (
        Column("code", "贷款编号", "code", v.text, required=True),
        Column("household_code", "户编号", "household_code", v.text, required=True),
        Column(
            "borrower_id_number",
            "借款人身份证号",
            "borrower_id_number",
            v.id_number,
            required=True,
            help="须是该户成员，放款时18至65岁",
        ),
        Column("lender", "贷款银行", "lender", v.text, required=True),
        Column("amount", "贷款金额（元）", "amount", yuan, required=True, help="不超过50000元"),
        Column("term_months", "期限（月）", "term_months", v.integer(), required=True, help="不超过36个月"),
        Column("annual_rate", "年利率（%）", "annual_rate", v.decimal(places=3), required=True),
        Column("start_date", "放款日期", "start_date", v.date, required=True),
        Column("purpose", "贷款用途", "purpose", v.text, required=True, help="生产经营，如发展乌鸡养殖"),
    )
    example = {
        "贷款编号": "XD2019001",
        "户编号": "H0001",
        "借款人身份证号": "610727198001010111",
        "贷款银行": "略阳县农村信用合作联社",
        "贷款金额（元）": "50000",
        "期限（月）": "36",
        "年利率（%）": "4.35",
        "放款日期": "2019-04-10",
        "贷款用途": "发展乌鸡养殖",
    }

    def check_row(self, row: ParsedRow, errors: RowErrors, context: ImportContext) -> None:
        values = row.values | {"amount_fen": row.values["amount"]}
        for name, message in loan_problems(values, None, row.values["borrower_id_number"]).items():
            column = LOAN_COLUMNS[name]
            errors.add(row.number, column, str(row.values.get(column) or ""), message)

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        households = fetch_by_key(Household, "code", sorted({r.values["household_code"] for r in rows}))
        members = fetch_by_key(
            Member.objects.only("pk", "id_number", "household_id", "name"),
            "id_number",
            sorted({r.values["borrower_id_number"] for r in rows}),
        )
        codes = {r.values["code"] for r in rows}
        stored = list(
            MicroLoan.objects.filter(household__in=list(households.values())).exclude(code__in=codes)
        )
        existing = fetch_by_key(MicroLoan, "code", sorted(codes))
        by_household: dict[int, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            values = row.values
            household = households.get(values["household_code"])
            if household is None:
                errors.add(row.number, "household_code", values["household_code"], "户编号不存在")
                continue
            if not (context.scope.can_manage and context.scope.covers_code(household.area_code)):
                errors.add(row.number, "household_code", household.code, "不在您的管辖范围内")
                continue
            for name, message in loan_problems({}, household, None).items():
                errors.add(row.number, LOAN_COLUMNS[name], household.code, message)
            borrower = members.get(values["borrower_id_number"])
            for name, message in household_loan_problems(
                household=household,
                borrower=borrower,
                start_date=values["start_date"],
                term_months=values["term_months"],
                loan=existing.get(values["code"]),
                others=stored,
            ).items():
                column = LOAN_COLUMNS[name]
                errors.add(row.number, column, str(values.get(column) or ""), message)
            by_household[household.pk].append(row)
            row.refs = {"household": household, "borrower": borrower}
        for group in by_household.values():
            group.sort(key=lambda r: r.values["start_date"])
            for earlier, later in pairwise(group):
                due = add_months(earlier.values["start_date"], earlier.values["term_months"])
                if later.values["start_date"] < due:
                    errors.add(
                        later.number,
                        "start_date",
                        later.values["start_date"].isoformat(),
                        f"与第{earlier.number}行同一户的贷款期限重叠（一户一贷，还清再贷）",
                    )

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return loans_upsert(
            actor=context.actor,
            rows=[
                {
                    "code": r.values["code"],
                    "household": r.refs["household"],
                    "borrower": r.refs["borrower"],
                    "lender": r.values["lender"],
                    "amount_fen": r.values["amount"],
                    "term_months": r.values["term_months"],
                    "annual_rate": r.values["annual_rate"],
                    "start_date": r.values["start_date"],
                    "purpose": r.values["purpose"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        loans = MicroLoan.objects.filter(scope.area_q("area_code")).select_related("household", "borrower")
        for loan in loans.order_by("start_date", "code").iterator(chunk_size=2000):
            yield {
                "code": loan.code,
                "household_code": loan.household.code,
                "borrower_id_number": loan.borrower.id_number,
                "lender": loan.lender,
                "amount": str(fen_to_yuan(loan.amount_fen)),
                "term_months": str(loan.term_months),
                "annual_rate": str(loan.annual_rate),
                "start_date": loan.start_date.isoformat(),
                "purpose": loan.purpose,
            }


class LoanRepaymentsLedger(Ledger):
    name = "loan-repayments"
    title = "还款记录"
    key = ("loan_code", "paid_on")
    depends_on = ("microloans",)
    columns = (
        Column("loan_code", "贷款编号", "loan_code", v.text, required=True),
        Column("paid_on", "还款日期", "paid_on", v.date, required=True),
        Column("principal", "归还本金（元）", "principal", yuan, required=True),
        Column("interest", "支付利息（元）", "interest", yuan, required=True),
    )
    example = {
        "贷款编号": "XD2019001",
        "还款日期": "2019-12-20",
        "归还本金（元）": "0",
        "支付利息（元）": "1576.88",
    }

    def resolve(self, rows: list[ParsedRow], errors: RowErrors, context: ImportContext) -> None:
        loans = fetch_by_key(MicroLoan, "code", sorted({r.values["loan_code"] for r in rows}))
        keys = {(r.values["loan_code"], r.values["paid_on"]) for r in rows}
        # Principal already stored for each loan, leaving out the dates this file rewrites.
        stored: dict[int, int] = defaultdict(int)
        for loan_id, code, paid_on, principal in LoanRepayment.objects.filter(
            loan__in=list(loans.values())
        ).values_list("loan_id", "loan__code", "paid_on", "principal_fen"):
            if (code, paid_on) not in keys:
                stored[loan_id] += principal
        in_file: dict[int, int] = defaultdict(int)
        for row in sorted(rows, key=lambda r: (r.values["loan_code"], r.values["paid_on"])):
            values = row.values
            loan = loans.get(values["loan_code"])
            if loan is None:
                errors.add(row.number, "loan_code", values["loan_code"], "贷款编号不存在")
                continue
            if not (context.scope.can_manage and context.scope.covers_code(loan.area_code)):
                errors.add(row.number, "loan_code", loan.code, "不在您的管辖范围内")
                continue
            problems = repayment_problems(
                loan,
                values["paid_on"],
                values["principal"],
                values["interest"],
                others_fen=stored[loan.pk] + in_file[loan.pk],
            )
            columns = {"paid_on": "paid_on", "principal_fen": "principal"}
            for name, message in problems.items():
                errors.add(row.number, columns[name], str(values[columns[name]]), message)
            if not problems:
                in_file[loan.pk] += values["principal"]
            row.refs = {"loan": loan}

    def write(self, rows: list[ParsedRow], context: ImportContext) -> UpsertResult:
        return repayments_upsert(
            actor=context.actor,
            rows=[
                {
                    "loan": r.refs["loan"],
                    "paid_on": r.values["paid_on"],
                    "principal_fen": r.values["principal"],
                    "interest_fen": r.values["interest"],
                }
                for r in rows
            ],
        )

    def export_rows(self, scope: Scope) -> Iterable[dict[str, Any]]:
        repayments = LoanRepayment.objects.filter(scope.area_q("loan__area_code")).select_related("loan")
        for item in repayments.order_by("loan__code", "paid_on").iterator(chunk_size=2000):
            yield {
                "loan_code": item.loan.code,
                "paid_on": item.paid_on.isoformat(),
                "principal": str(fen_to_yuan(item.principal_fen)),
                "interest": str(fen_to_yuan(item.interest_fen)),
            }
