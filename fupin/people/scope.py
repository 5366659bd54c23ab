"""Turn a signed-in user into the Scope that every selector applies, and the policy of writes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from fupin.core import areacode
from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import NOTHING, Scope
from fupin.people.models import Account, Cadre, Unit

__all__ = ["SUPERUSER", "scope_for", "unit_with_descendants"]


def unit_with_descendants(unit_id: int) -> frozenset[int]:
    ids = {unit_id}
    frontier = [unit_id]
    while frontier:
        frontier = [
            pk
            for pk in Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            if pk not in ids
        ]
        ids.update(frontier)
    return frozenset(ids)


def scope_for(user: AbstractBaseUser | AnonymousUser) -> Scope:
    if not user.is_authenticated:
        return NOTHING
    if getattr(user, "is_superuser", False):
        return Scope(role=SUPERUSER, area_prefixes=None)
    account = Account.objects.select_related("area").filter(user_id=user.pk).first()
    if account is None:
        return Scope(role="none")
    if account.role == Role.PUBLIC:
        # The public sees no records; its area only says which villages' problem forms to offer.
        return Scope(role=account.role, root_area_code=account.area.code if account.area else None)
    cadre_id = Cadre.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    prefixes = (areacode.prefix_of(account.area.code),) if account.area else ()
    root = account.area.code if account.area else None
    units: frozenset[int] = frozenset()
    if account.role == Role.UNIT_USER and account.unit_id:
        units = unit_with_descendants(account.unit_id)
    elif account.unit_id:
        units = frozenset({account.unit_id})
    return Scope(
        role=account.role, area_prefixes=prefixes, unit_ids=units, cadre_id=cadre_id, root_area_code=root
    )
