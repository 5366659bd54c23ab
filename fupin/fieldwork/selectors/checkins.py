"""Reading check-ins within a user's scope, and the households a cadre may visit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from fupin.areas.models import Area, AreaLevel
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.duty.models import LeaderTown, Pairing, UnitVillage, WorkTeamMember, active_on
from fupin.fieldwork.models import CheckIn
from fupin.people.models import Cadre
from fupin.registry.models import Household


def checkins_visible_q(scope: Scope) -> Q:
    """Own check-ins; an area-wide role sees those made in its area; a unit user those of its units'
    cadres. Nobody else sees any (a cadre's login carries its unit too, but colleagues' check-ins and
    photos are not its business)."""
    if scope.is_public:
        return Q(pk__in=[])
    if scope.is_everything:
        return Q()  # a platform administrator (Q(pk__in=[]) | Q() would collapse to nothing)
    q = Q(cadre_id=scope.cadre_id) if scope.cadre_id is not None else Q(pk__in=[])
    if scope.is_area_wide:
        q |= scope.area_q("area_code")
    elif scope.role == Role.UNIT_USER and scope.unit_ids:
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


@dataclass(frozen=True)
class Places:
    households: QuerySet[Household]
    villages: QuerySet[Area]
    towns: QuerySet[Area]


def checkin_places(cadre: Cadre, day: dt.date) -> Places:
    """Where `cadre` may check in on `day`, most likely first."""
    team = WorkTeamMember.objects.filter(active_on(day), cadre=cadre).values("village_id")
    paired = Pairing.objects.filter(active_on(day), cadre=cadre).values("household__village_id")
    unit = UnitVillage.objects.filter(active_on(day), unit_id=cadre.unit_id).values("village_id")
    led = LeaderTown.objects.filter(active_on(day), cadre=cadre).values("town_id")
    villages = (
        Area.objects.filter(
            Q(pk__in=team) | Q(pk__in=paired) | Q(pk__in=unit) | Q(parent_id__in=led),
            level=AreaLevel.VILLAGE,
        )
        .select_related("parent")
        .annotate(
            rank=Case(
                When(pk__in=team, then=Value(0)),
                When(pk__in=paired, then=Value(1)),
                When(pk__in=unit, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "code")
    )
    towns = (
        Area.objects.filter(Q(pk__in=led) | Q(pk__in=villages.values("parent_id")), level=AreaLevel.TOWN)
        .annotate(rank=Case(When(pk__in=led, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("rank", "code")
    )
    return Places(households=visitable_households(cadre, day), villages=villages, towns=towns)
