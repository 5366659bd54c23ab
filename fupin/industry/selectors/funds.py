"""Reads of integrated funds: the projects of a year in the reader's area with what was allocated
and spent, and the sources of the counties the reader sees."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from fupin.core.scope import Scope
from fupin.industry.models import FundProject, FundSource


def fund_projects(scope: Scope, year: int) -> QuerySet[FundProject]:
    return (
        FundProject.objects.filter(scope.area_q("area_code"), year=year)
        .select_related("area")
        .annotate(allocated_fen=Sum("allocations__amount_fen"), spent_fen=Sum("allocations__spent_fen"))
        .order_by("area_code", "code")
    )


def fund_sources(scope: Scope, year: int) -> QuerySet[FundSource]:
    return (
        FundSource.objects.filter(scope.area_q("county__code"), year=year)
        .annotate(allocated_fen=Sum("allocations__amount_fen"))
        .order_by("level", "code")
    )
