"""Reads of microcredit, scoped by area: loans with what was owed on a day, and the totals the
finance figures and the list page show."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from fupin.core.scope import Scope
from fupin.industry.models import MicroLoan

LOAN_STATUSES = (("active", "在贷"), ("overdue", "逾期"), ("repaid", "已结清"))


def with_outstanding(loans: QuerySet[MicroLoan], on: dt.date) -> QuerySet[MicroLoan]:
    """Each loan annotated with the principal still owed at the end of `on`."""
    repaid = Coalesce(Sum("repayments__principal_fen", filter=Q(repayments__paid_on__lte=on)), Value(0))
    return loans.annotate(repaid_fen=repaid).annotate(outstanding_fen=F("amount_fen") - F("repaid_fen"))


def loan_list(scope: Scope, *, on: dt.date, status: str = "") -> QuerySet[MicroLoan]:
    loans = with_outstanding(
        MicroLoan.objects.filter(scope.area_q("area_code"), start_date__lte=on).select_related(
            "household", "household__village"
        ),
        on,
    )
    owing = Q(amount_fen__gt=F("repaid_fen"))
    if status == "active":
        loans = loans.filter(owing, due_date__gte=on)
    elif status == "overdue":
        loans = loans.filter(owing, due_date__lt=on)
    elif status == "repaid":
        loans = loans.exclude(owing)
    return loans.order_by("-start_date", "code")


def loan_get(scope: Scope, pk: int) -> MicroLoan | None:
    return (
        MicroLoan.objects.filter(scope.area_q("area_code"), pk=pk)
        .select_related("household", "household__village", "borrower")
        .first()
    )
