"""Reads of 请销假, always through the user's scope, and the rule of who approves what.

Who sees a leave: its cadre; whoever may decide it; and the area-wide roles (county and town) every
leave of a cadre whose unit lies in their area, and every leave approved by a town in their area.

Who decides a leave: a town-level leave (the cadre served in a village work team on its first day)
by a town official whose area holds the approving town, or by the county office (县级管理员,
扶贫办工作人员) of the county the town lies in; a county-level leave by the county office of the
county of the cadre's unit. Nobody decides their own leave. The same rule is a `Q` here, so the
inbox, the buttons and the services never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from fupin.core.roles import SUPERUSER, Role
from fupin.core.scope import Scope
from fupin.fieldwork.models import ApprovalLevel, Leave, LeaveStatus

NOTHING = Q(pk__in=[])
CHUNK = 2000  # cadre ids per query, well below SQLite's bound-parameter limit
COUNTY_OFFICE_ROLES = frozenset({Role.COUNTY_ADMIN, Role.OFFICE_STAFF})
# Statuses during which a leave excuses days (Leave.covers decides which days exactly).
EXCUSING = (LeaveStatus.APPROVED, LeaveStatus.RETURNED)


def _own_q(scope: Scope) -> Q:
    return NOTHING if scope.cadre_id is None else Q(cadre_id=scope.cadre_id)


def decidable_q(scope: Scope) -> Q:
    """Leave the scope may approve or reject (whatever its status), never the scope's own."""
    if scope.role == SUPERUSER:
        q = Q()
    elif scope.role == Role.TOWN_OFFICIAL:
        q = Q(approval_level=ApprovalLevel.TOWN) & scope.area_q("approving_area_code")
    elif scope.role in COUNTY_OFFICE_ROLES:
        town_level = Q(approval_level=ApprovalLevel.TOWN) & scope.area_q("approving_area_code")
        county_level = Q(approval_level=ApprovalLevel.COUNTY) & scope.area_q("cadre__unit__area__code")
        q = town_level | county_level
    else:
        return NOTHING
    return q & ~_own_q(scope) if scope.cadre_id is not None else q


def visible_q(scope: Scope) -> Q:
    if scope.is_everything:
        return Q()
    if scope.is_public:
        return NOTHING
    q = _own_q(scope) | decidable_q(scope)
    if scope.is_area_wide:
        q |= scope.area_q("cadre__unit__area__code") | scope.area_q("approving_area_code")
    return q


def leave_list(
    scope: Scope, *, status: str = "", cadre_code: str = "", mine: bool = False
) -> QuerySet[Leave]:
    qs = Leave.objects.filter(_own_q(scope) if mine else visible_q(scope))
    if status:
        qs = qs.filter(status=status)
    if cadre_code:
        qs = qs.filter(cadre__code=cadre_code)
    return qs.select_related("cadre__unit", "requested_by", "decided_by").order_by("-start_date", "-id")


def leave_get(scope: Scope, pk: int) -> Leave | None:
    return leave_list(scope).filter(pk=pk).first()


def leave_pending_for(scope: Scope) -> QuerySet[Leave]:
    """The approvals inbox: pending leave the scope may decide, oldest request first."""
    return (
        Leave.objects.filter(decidable_q(scope), status=LeaveStatus.PENDING)
        .select_related("cadre__unit", "requested_by")
        .order_by("start_date", "id")
    )


def may_decide(scope: Scope, leave: Leave) -> bool:
    return Leave.objects.filter(decidable_q(scope), pk=leave.pk).exists()


def is_own(scope: Scope, leave: Leave) -> bool:
    return scope.cadre_id is not None and leave.cadre_id == scope.cadre_id


def may_report_back(scope: Scope, leave: Leave) -> bool:
    """销假 is reported by the cadre or by one who may decide the leave."""
    return is_own(scope, leave) or may_decide(scope, leave)


def leave_days_by_cadre(cadre_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, set[dt.date]]:
    """The days in [start, end] that approved (or approved and reported-back) leave excuses, per cadre.

    For the compliance board, which shows them beside each cadre's check-ins; a cadre with no such
    day is left out. One query per chunk of cadres.
    """
    ids = sorted(set(cadre_ids))
    days: dict[int, set[dt.date]] = defaultdict(set)
    for first in range(0, len(ids), CHUNK):
        leaves = Leave.objects.filter(
            cadre_id__in=ids[first : first + CHUNK],
            status__in=EXCUSING,
            start_date__lte=end,
            end_date__gte=start,
        ).only("cadre_id", "start_date", "end_date", "status", "returned_on")
        for leave in leaves:
            day = max(leave.start_date, start)
            while day <= min(leave.end_date, end):
                if leave.covers(day):
                    days[leave.cadre_id].add(day)
                day += dt.timedelta(days=1)
    return dict(days)
