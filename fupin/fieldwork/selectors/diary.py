"""Reads of 驻村日志, through the user's scope, and the village a cadre's work team serves on a day.

Who sees a diary entry: its author; the area-wide roles (county, and the town official of the town)
every entry on a village inside their area.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.scope import Scope
from fupin.duty.models import WorkTeamMember, active_on
from fupin.fieldwork.models import Diary
from fupin.fieldwork.selectors.reports import month_last_day

NOTHING = Q(pk__in=[])


def team_village_on(cadre_id: int, day: dt.date) -> Area | None:
    """The village whose work team the cadre serves in on `day` (one at a time, by the duty rules)."""
    member = (
        WorkTeamMember.objects.filter(active_on(day), cadre_id=cadre_id)
        .select_related("village")
        .order_by("-start_date")
        .first()
    )
    return member.village if member else None


def _own(scope: Scope) -> Q:
    return NOTHING if scope.cadre_id is None else Q(cadre_id=scope.cadre_id)


def diary_q(scope: Scope) -> Q:
    if scope.is_everything:
        return Q()
    if scope.is_public:
        return NOTHING
    return _own(scope) | scope.area_q("village__code") if scope.is_area_wide else _own(scope)


def diary_list(
    scope: Scope, *, village_code: str = "", month: dt.date | None = None, mine: bool = False
) -> QuerySet[Diary]:
    qs = Diary.objects.filter(diary_q(scope))
    if mine:
        qs = qs.filter(_own(scope))
    if village_code:
        qs = qs.filter(village__code__startswith=areacode.prefix_of(village_code))
    if month is not None:
        qs = qs.filter(day__gte=month, day__lte=month_last_day(month))
    return qs.select_related("cadre", "village").order_by("-day", "village__code", "cadre__code")


def diary_get(scope: Scope, pk: int) -> Diary | None:
    return diary_list(scope).filter(pk=pk).first()


def diary_own_on(scope: Scope, day: dt.date) -> Diary | None:
    if scope.cadre_id is None:
        return None
    return Diary.objects.filter(cadre_id=scope.cadre_id, day=day).select_related("village").first()
