"""Area scope: what a signed-in user may see, as a value every selector applies.

Scopes are computed once per request by `fupin.people.scope.scope_for` and passed to selectors, so
the web pages, the API and the exports all filter the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q


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
