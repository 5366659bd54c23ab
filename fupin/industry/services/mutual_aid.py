"""Writes of mutual-aid associations and their loans, from the villages' ledgers, and the amount an
association has lent out on a day (loans made and not yet repaid)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, Sum

from fupin.core.audit import Actor
from fupin.core.bulk import UpsertResult, bulk_upsert
from fupin.industry.models import MutualAidAssociation, MutualAidLoan


def associations_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["village"].code} for row in rows]
    return bulk_upsert(MutualAidAssociation, key="code", rows=prepared, actor=actor)


def mutual_aid_loans_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["household"].area_code} for row in rows]
    return bulk_upsert(
        MutualAidLoan, key="code", rows=prepared, actor=actor, select_related=("association", "household")
    )


def lent_out(association: MutualAidAssociation, on: dt.date, leave_out: set[str]) -> int:
    """Principal out on loan at the end of `on`, leaving out the loans being rewritten."""
    total = (
        MutualAidLoan.objects.filter(association=association, lent_on__lte=on)
        .filter(Q(repaid_on__isnull=True) | Q(repaid_on__gt=on))
        .exclude(code__in=leave_out)
        .aggregate(fen=Sum("amount_fen"))["fen"]
    )
    return int(total or 0)
