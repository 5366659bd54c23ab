"""Reads of units and cadres, always through the user's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fupin.core import areacode
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.people.models import Account, Cadre, Unit


def _unit_scope_q(scope: Scope, prefix: str = "") -> Q:
    """Which units a scope covers: by the unit's area for area-wide roles, by unit otherwise."""
    if scope.role == SUPERUSER:
        return Q()
    if scope.is_area_wide:
        # A unit without 所在区划 belongs to no area: only a platform administrator sees it.
        return scope.area_q(f"{prefix}area__code")
    return Q(**{f"{prefix}pk__in": scope.unit_ids})


def unit_list(scope: Scope, *, search: str = "", kind: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.filter(_unit_scope_q(scope)).select_related("area", "parent")
    if search:
        qs = qs.filter(
            Q(name__contains=search) | Q(code__startswith=search) | Q(search_key__contains=search.lower())
        )
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def unit_get(scope: Scope, code: str) -> Unit | None:
    return unit_list(scope).filter(code=code).first()


def cadre_list(
    scope: Scope, *, search: str = "", unit_code: str = "", category: str = "", area_code: str = ""
) -> QuerySet[Cadre]:
    if scope.role == SUPERUSER:
        qs = Cadre.objects.all()
    elif scope.is_area_wide:
        qs = Cadre.objects.filter(_unit_scope_q(scope, "unit__"))
    elif scope.role == Role.UNIT_USER:
        qs = Cadre.objects.filter(unit_id__in=scope.unit_ids)
    elif scope.cadre_id is not None:
        qs = Cadre.objects.filter(pk=scope.cadre_id)
    else:
        qs = Cadre.objects.none()
    qs = qs.select_related("unit")
    if search:
        qs = qs.filter(
            Q(name__contains=search) | Q(code__startswith=search) | Q(search_key__contains=search.lower())
        )
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    if category:
        qs = qs.with_category(category)
    if area_code:
        qs = qs.filter(unit__area__code__startswith=areacode.prefix_of(area_code))
    return qs


def cadre_get(scope: Scope, code: str) -> Cadre | None:
    return cadre_list(scope).filter(code=code).first()


def account_list(scope: Scope) -> QuerySet[Account]:
    """Logins whose area lies in the scope, for the people who manage accounts."""
    if not scope.can_manage_accounts:
        return Account.objects.none()
    return (
        Account.objects.filter(scope.area_q("area__code"))
        .select_related("user", "area", "unit", "user__cadre")
        .order_by("user__username")
    )
