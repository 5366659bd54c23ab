"""The demo county's microcredit (扶贫小额信贷): about 2,400 loans of 10,000–50,000 yuan made in
2017–2019 to household heads of working age, most for three years, some for one; interest paid
each year on the loan's anniversary; the one-year loans repaid at their due date except a few
overdue ones (逾期), which pay their late interest themselves. And industry insurance: about 3,000
policies of 2019 on households' industries, the government paying 80% of the premium, a few claims;
and 60 village mutual-aid associations with their 2019 loans.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from fupin.areas.models import Area, AreaLevel
from fupin.core.bulk import fetch_by_key
from fupin.demo.industries import PROJECTS
from fupin.industry.models import HouseholdIndustry, InsurancePolicy, MicroLoan, MutualAidAssociation
from fupin.industry.services.finance import add_months, age_on, loans_upsert, repayments_upsert
from fupin.industry.services.insurance import claims_upsert, policies_upsert
from fupin.industry.services.mutual_aid import associations_upsert, mutual_aid_loans_upsert
from fupin.ledgers.base import ImportContext
from fupin.registry.models import Household, Member, PovertyStatus

LOANS = 2_400
RATE = Decimal("4.35")
LENDERS = ("略阳县农村信用合作联社", "中国邮政储蓄银行略阳县支行", "中国农业银行略阳县支行")
THROUGH = dt.date(2019, 12, 10)  # repayments up to the demo's reference date
OVERDUE_SHARE = 0.04


def _interest(amount_fen: int, months: int) -> int:
    return int(Decimal(amount_fen) * RATE / 100 * months / 12)


def demo_loans(seed: int, context: ImportContext) -> int:
    rng = random.Random(seed * 17 + 9)
    records = (
        HouseholdIndustry.objects.filter(
            industry__code__in=list(PROJECTS),
            household__poverty_status__in=(PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED),
        )
        .select_related("household", "industry")
        .order_by("household__code", "industry__code")
    )
    first: dict[int, HouseholdIndustry] = {}
    for record in records:
        first.setdefault(record.household_id, record)
    heads = {
        m.household_id: m
        for m in Member.objects.filter(household_id__in=list(first), relation="head").only(
            "pk", "household_id", "id_number", "name"
        )
    }
    chosen = sorted(rng.sample(sorted(first), min(LOANS * 2, len(first))))
    loans: list[dict[str, Any]] = []
    plans: list[tuple[str, dt.date, int, int, bool]] = []
    for household_id in chosen:
        head, record = heads.get(household_id), first[household_id]
        start = dt.date(2017, 3, 1) + dt.timedelta(days=rng.randrange(1000))
        if head is None or start > THROUGH or not 18 <= age_on(head.id_number, start) <= 65:
            continue
        months = 36 if rng.random() < 0.8 else 12
        amount = rng.choice((10_000, 20_000, 30_000, 50_000, 50_000)) * 100
        code = f"XD{start:%Y}{len(loans) + 1:05d}"
        loans.append(
            {
                "code": code,
                "household": record.household,
                "borrower": head,
                "lender": rng.choice(LENDERS),
                "amount_fen": amount,
                "term_months": months,
                "annual_rate": RATE,
                "start_date": start,
                "purpose": PROJECTS[record.industry.code],
            }
        )
        plans.append((code, start, months, amount, rng.random() < OVERDUE_SHARE))
        if len(loans) == LOANS:
            break
    loans_upsert(actor=context.actor, rows=loans)
    stored = {loan.code: loan for loan in MicroLoan.objects.filter(code__in=[p[0] for p in plans])}
    repayments: list[dict[str, Any]] = []
    for code, start, months, amount, overdue in plans:
        loan = stored[code]
        for year in range(1, months // 12 + 1):
            day = add_months(start, 12 * year)
            if day > THROUGH:
                break
            last = year * 12 == months
            principal = amount if last and not overdue else 0
            repayments.append(
                {
                    "loan": loan,
                    "paid_on": day,
                    "principal_fen": principal,
                    "interest_fen": _interest(amount, 12),
                }
            )
    repayments_upsert(actor=context.actor, rows=repayments)
    return len(loans)


POLICIES = 3_000
INSURERS = ("中国人民财产保险股份有限公司略阳支公司", "中华联合财产保险股份有限公司略阳支公司")
# Sum insured per unit of scale, premium rate 5%, the government pays 80% of the premium.
SUM_PER_UNIT_YUAN = {"CY01": 30, "CY02": 800, "CY03": 2, "CY04": 300, "CY05": 1000}
CAUSES = ("暴雨洪涝", "冰雹", "禽畜疫病", "干旱", "低温冻害")


def demo_insurance(seed: int, context: ImportContext) -> int:
    """2019 policies on about 3,000 households' industries, a few with claims."""
    rng = random.Random(seed * 29 + 3)
    records = list(
        HouseholdIndustry.objects.filter(year=2019, industry__code__in=list(SUM_PER_UNIT_YUAN))
        .select_related("household", "industry")
        .order_by("household__code", "industry__code")
    )
    policies: list[dict[str, Any]] = []
    for number, record in enumerate(
        sorted(rng.sample(records, min(POLICIES, len(records))), key=lambda r: r.pk)
    ):
        insured = min(int(record.scale * SUM_PER_UNIT_YUAN[record.industry.code]), 20_000) * 100
        premium = insured * 5 // 100
        starts = dt.date(2019, 3, 1) + dt.timedelta(days=rng.randrange(120))
        policies.append(
            {
                "code": f"BD2019{number + 1:05d}",
                "household": record.household,
                "insurer": rng.choice(INSURERS),
                "industry": record.industry,
                "sum_insured_fen": insured,
                "premium_fen": premium,
                "premium_subsidy_fen": premium * 80 // 100,
                "starts_on": starts,
                "ends_on": add_months(starts, 12) - dt.timedelta(days=1),
            }
        )
    policies_upsert(actor=context.actor, rows=policies)
    stored = fetch_by_key(InsurancePolicy, "code", [p["code"] for p in policies])
    claims = []
    for row in policies:
        if rng.random() < 0.06:
            occurred = row["starts_on"] + dt.timedelta(days=rng.randrange(20, 200))
            if occurred < THROUGH - dt.timedelta(days=30):
                claims.append(
                    {
                        "policy": stored[row["code"]],
                        "occurred_on": occurred,
                        "cause": rng.choice(CAUSES),
                        "paid_on": occurred + dt.timedelta(days=rng.randrange(10, 30)),
                        "paid_fen": row["sum_insured_fen"] * rng.randint(10, 60) // 100,
                    }
                )
    claims_upsert(actor=context.actor, rows=claims)
    return len(policies)


ASSOCIATIONS = 60


def demo_mutual_aid(seed: int, context: ImportContext) -> int:
    """Mutual-aid associations in 60 poor villages, each lending to a dozen or so of its households in
    2019 for six to twelve months within its fund; most repaid on time by the reference date."""
    rng = random.Random(seed * 31 + 5)
    villages = sorted(
        rng.sample(
            list(Area.objects.filter(level=AreaLevel.VILLAGE, is_poor_village=True).order_by("code")),
            ASSOCIATIONS,
        ),
        key=lambda v: v.code,
    )
    associations: list[dict[str, Any]] = [
        {
            "code": f"HZ{i + 1:03d}",
            "name": f"{v.name}扶贫互助资金协会",
            "village": v,
            "fund_fen": rng.choice((200_000, 300_000, 500_000)) * 100,
            "established_on": dt.date(2015 + i % 3, 5, 1),
        }
        for i, v in enumerate(villages)
    ]
    associations_upsert(actor=context.actor, rows=associations)
    stored = fetch_by_key(MutualAidAssociation, "code", [a["code"] for a in associations])
    households: dict[int, list[Household]] = {}
    for household in Household.objects.filter(
        village__in=villages,
        poverty_status__in=(PovertyStatus.NOT_OUT, PovertyStatus.OUT, PovertyStatus.RELAPSED),
    ).only("pk", "code", "village_id", "area_code"):
        households.setdefault(household.village_id, []).append(household)
    loans: list[dict[str, Any]] = []
    for row in associations:
        village = row["village"]
        members = sorted(households.get(village.pk, []), key=lambda h: h.code)
        # Each loan is small enough that the fund never runs out: at most a twentieth of it.
        for household in rng.sample(members, min(len(members), rng.randint(8, 20))):
            lent = dt.date(2019, 1, 10) + dt.timedelta(days=rng.randrange(300))
            due = add_months(lent, rng.choice((6, 12)))
            repaid = due - dt.timedelta(days=rng.randrange(0, 20)) if rng.random() < 0.9 else None
            loans.append(
                {
                    "code": f"{row['code']}-{len(loans) + 1:05d}",
                    "association": stored[row["code"]],
                    "household": household,
                    "amount_fen": row["fund_fen"] // 20 // 10000 * 10000 or 100000,
                    "lent_on": lent,
                    "due_on": due,
                    "repaid_on": repaid if repaid and repaid <= THROUGH else None,
                }
            )
    mutual_aid_loans_upsert(actor=context.actor, rows=loans)
    return len(loans)
