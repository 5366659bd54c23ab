"""Writes of industry insurance (policies and claims) from the insurers' ledgers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Sum

from fupin.core.audit import Actor
from fupin.core.bulk import UpsertResult, bulk_upsert
from fupin.industry.models import InsuranceClaim, InsurancePolicy


def policies_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["household"].area_code} for row in rows]
    return bulk_upsert(
        InsurancePolicy, key="code", rows=prepared, actor=actor, select_related=("household", "industry")
    )


def claims_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(
        InsuranceClaim,
        key_fields=("policy", "occurred_on"),
        rows=rows,
        actor=actor,
        select_related=("policy",),
    )


def paid_elsewhere(policy: InsurancePolicy, leave_out_dates: set[Any]) -> int:
    """Claims already paid on the policy, other than those being rewritten."""
    total = (
        InsuranceClaim.objects.filter(policy=policy)
        .exclude(occurred_on__in=leave_out_dates)
        .aggregate(fen=Sum("paid_fen"))["fen"]
    )
    return int(total or 0)
