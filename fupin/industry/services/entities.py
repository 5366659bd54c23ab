"""Writes of business entities and their benefit links (利益联结), from the county's ledgers: the
entities, each link with its agreement dates, and the yearly income a household received from a
link. Links and incomes take the household's village as their area."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fupin.core.audit import Actor
from fupin.core.bulk import UpsertResult, bulk_upsert
from fupin.industry.models import BenefitLink, BusinessEntity, LinkIncome


def entities_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["area"].code} for row in rows]
    return bulk_upsert(BusinessEntity, key="code", rows=prepared, actor=actor, select_related=("industry",))


def links_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    prepared = [row | {"area_code": row["household"].area_code} for row in rows]
    return bulk_upsert(
        BenefitLink,
        key_fields=("entity", "household"),
        rows=prepared,
        actor=actor,
        select_related=("entity", "household"),
    )


def link_incomes_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(LinkIncome, key_fields=("link", "year"), rows=rows, actor=actor)
