"""Reading check-ins within a user's scope, and the households a cadre may visit."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from fupin.core.scope import Scope
from fupin.duty.models import Pairing, WorkTeamMember, active_on
from fupin.fieldwork.models import CheckIn
from fupin.people.models import Cadre
from fupin.registry.models import Household


def checkins_visible_q(scope: Scope) -> Q:
    """Own check-ins; an area-wide role sees those made in its area; a unit user those of its units'
    cadres. Nobody else sees any."""
    if scope.is_public:
        return Q(pk__in=[])
    q = Q(cadre_id=scope.cadre_id) if scope.cadre_id is not None else Q(pk__in=[])
    if scope.is_area_wide:
        q |= scope.area_q("area_code")
    elif scope.unit_ids:
        q |= Q(cadre__unit_id__in=scope.unit_ids)
    return q


def checkin_list(scope: Scope) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(checkins_visible_q(scope)).select_related("cadre", "area", "household")


def visitable_households(cadre: Cadre, day: dt.date) -> QuerySet[Household]:
    """Households the cadre may check in at on `day`: those paired with it, and every household of a
    village whose work team it serves in."""
    paired = Pairing.objects.filter(active_on(day), cadre=cadre).values("household_id")
    villages = WorkTeamMember.objects.filter(active_on(day), cadre=cadre).values("village_id")
    return (
        Household.objects.filter(Q(pk__in=paired) | Q(village_id__in=villages))
        .select_related("village")
        .order_by("area_code", "code")
    )
