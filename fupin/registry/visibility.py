"""Which households a user who is not area-wide may see.

Area-wide roles (county and town roles) see every household inside their area. Everyone else sees
the households their responsibilities reach: a paired cadre its own pairings, a work-team member its
team's villages, a unit user its unit's villages and its cadres' pairings. Those responsibilities are
the duty app's, which sits above the registry; it registers the filter here when it loads, the way
the people app registers the scope resolver with core.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from fupin.core.scope import Scope

HouseholdFilter = Callable[[Scope], Q]
_filters: list[HouseholdFilter] = []


def register_household_filter(household_filter: HouseholdFilter) -> None:
    if household_filter not in _filters:
        _filters.append(household_filter)


def household_q(scope: Scope) -> Q:
    """A filter on Household keeping what the scope may see."""
    if scope.is_everything:
        return Q()
    if scope.is_public:
        return Q(pk__in=[])
    inside = scope.area_q("area_code")
    if scope.is_area_wide:
        return inside
    reach = Q(pk__in=[])
    for household_filter in _filters:
        reach |= household_filter(scope)
    return inside & reach
