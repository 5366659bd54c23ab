"""Writes of integrated agricultural funds, from the county's ledgers (sources, projects, and each
source's allocation to a project with its spending). The ledger checks that a source is not
allocated beyond its amount (`overallocation`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Sum

from fupin.core.audit import Actor
from fupin.core.bulk import UpsertResult, bulk_upsert
from fupin.industry.models import FundAllocation, FundProject, FundSource


def fund_sources_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(FundSource, key="code", rows=rows, actor=actor)


def fund_projects_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["area"].code} for row in rows]
    return bulk_upsert(FundProject, key="code", rows=prepared, actor=actor)


def fund_allocations_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(
        FundAllocation,
        key_fields=("source", "project"),
        rows=rows,
        actor=actor,
        select_related=("source", "project"),
    )


def allocated_elsewhere(source: FundSource, leave_out_project_ids: set[int]) -> int:
    """What the source already gives to projects other than those being rewritten."""
    total = (
        FundAllocation.objects.filter(source=source)
        .exclude(project_id__in=leave_out_project_ids)
        .aggregate(fen=Sum("amount_fen"))["fen"]
    )
    return int(total or 0)
