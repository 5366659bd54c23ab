"""Reads of business entities and benefit links, scoped by area: an entity is visible where it is
registered; its links to households are listed only for the households the reader may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from fupin.core.scope import Scope
from fupin.industry.models import BenefitLink, BusinessEntity


def active_on(day: dt.date) -> Q:
    return Q(signed_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def entity_list(scope: Scope, *, year: int, kind: str = "") -> QuerySet[BusinessEntity]:
    entities = BusinessEntity.objects.filter(scope.area_q("area_code")).select_related("area", "industry")
    if kind:
        entities = entities.filter(kind=kind)
    return entities.annotate(
        households=Count("links", distinct=True),
        income_fen=Sum("links__incomes__income_fen", filter=Q(links__incomes__year=year)),
    ).order_by("code")


def entity_get(scope: Scope, pk: int) -> BusinessEntity | None:
    return (
        BusinessEntity.objects.filter(scope.area_q("area_code"), pk=pk)
        .select_related("area", "industry")
        .first()
    )


def entity_links(scope: Scope, entity: BusinessEntity, year: int) -> QuerySet[BenefitLink]:
    return (
        BenefitLink.objects.filter(scope.area_q("area_code"), entity=entity)
        .select_related("household", "household__village")
        .annotate(income_fen=Sum("incomes__income_fen", filter=Q(incomes__year=year)))
        .order_by("household__code")
    )
