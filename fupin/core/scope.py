"""Area scope: what a signed-in user may see, as a value every selector applies.

Scopes are computed once per request by `fupin.people.scope.scope_for` and passed to selectors, so
the web pages, the API and the exports all filter the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from fupin.core.roles import AREA_WIDE_ROLES, MANAGING_ROLES, SUPERUSER, Role


@dataclass(frozen=True)
class Scope:
    role: str
    # Area-code prefixes the user's area covers; None means every area (platform administrator).
    area_prefixes: tuple[str, ...] | None = ()
    # Units whose own records the user may see (unit users: their unit and its sub-units).
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    cadre_id: int | None = None
    # The area the scope is rooted at, for pickers and trees.
    root_area_code: str | None = None

    @property
    def is_everything(self) -> bool:
        return self.area_prefixes is None

    @property
    def is_area_wide(self) -> bool:
        return self.role == SUPERUSER or self.role in AREA_WIDE_ROLES

    @property
    def can_manage(self) -> bool:
        """Maintain areas, units and cadres of the area, and import its ledgers."""
        return self.role == SUPERUSER or self.role in MANAGING_ROLES

    @property
    def can_manage_accounts(self) -> bool:
        """Open logins for the area's people and give them roles."""
        return self.role in {SUPERUSER, Role.COUNTY_ADMIN}

    @property
    def can_see_full_id_numbers(self) -> bool:
        return self.can_manage

    @property
    def is_public(self) -> bool:
        return self.role in {Role.PUBLIC, "none"}

    def area_q(self, code_field: str) -> Q:
        """A filter keeping rows whose area code (at `code_field`) lies inside the scope."""
        if self.area_prefixes is None:
            return Q()
        if not self.area_prefixes:
            return Q(pk__in=[])
        q = Q()
        for prefix in self.area_prefixes:
            q |= Q(**{f"{code_field}__startswith": prefix})
        return q

    def covers_code(self, code: str) -> bool:
        if self.area_prefixes is None:
            return True
        return any(code.startswith(prefix) for prefix in self.area_prefixes)


NOTHING = Scope(role="none")


ScopeResolver = Callable[[Any], Scope]
_resolver: ScopeResolver | None = None


def register_scope_resolver(resolver: ScopeResolver) -> None:
    """Set by the people app, which knows accounts; lower apps only ask `scope_of`."""
    global _resolver
    _resolver = resolver


def scope_of(request: Any) -> Scope:
    """The scope of the request's user, computed once per request and user."""
    user = request.user
    cached = getattr(request, "_fupin_scope", None)
    if cached is not None and cached[0] is user:
        return cached[1]
    assert _resolver is not None, "people app not loaded"
    scope = _resolver(user)
    request._fupin_scope = (user, scope)
    return scope
