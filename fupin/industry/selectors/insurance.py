"""Reads of industry insurance, scoped by area."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from fupin.core.scope import Scope
from fupin.industry.models import InsurancePolicy


def policy_list(scope: Scope, year: int) -> QuerySet[InsurancePolicy]:
    return (
        InsurancePolicy.objects.filter(scope.area_q("area_code"), starts_on__year=year)
        .select_related("household", "household__village", "industry")
        .annotate(claimed_fen=Sum("claims__paid_fen"))
        .order_by("area_code", "code")
    )
