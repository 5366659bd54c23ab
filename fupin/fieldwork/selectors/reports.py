"""Reads of 每月驻镇工作汇报: a leader's own reports, one report, the month's board and the month's
submitted reports for the Word export.

A leader's report is the leader's own until submitted; then the area-wide roles (county, and the
town official of the town) whose area holds its town see it too. The board lists every county
leader with an assignment to a town of the scope at some time in the month, whether they have
reported or not, so that a missing report shows as missing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from fupin.areas.models import Area
from fupin.core.roles import SUPERUSER
from fupin.core.scope import Scope
from fupin.duty.models import LeaderTown
from fupin.fieldwork.models import TownStayReport
from fupin.people.models import Cadre, CadreCategory

NOTHING = Q(pk__in=[])

SUBMITTED, DRAFT, MISSING = "submitted", "draft", "missing"
STATUS_LABELS = {SUBMITTED: "已提交", DRAFT: "草稿", MISSING: "未填报"}


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> dt.date | None:
    """The first day of a month written "2024-05", or None."""
    match = MONTH_RE.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def month_last_day(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def leader_towns_in_month(month: dt.date) -> QuerySet[LeaderTown]:
    """Leader-town assignments active on at least one day of `month` (its first day)."""
    return LeaderTown.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=month), start_date__lte=month_last_day(month)
    )


def towns_led_in_month(cadre: Cadre, month: dt.date) -> list[Area]:
    """The towns `cadre` leads at some time in `month`, in the order the assignments started."""
    towns: dict[int, Area] = {}
    for assignment in (
        leader_towns_in_month(month).filter(cadre=cadre).select_related("town").order_by("start_date")
    ):
        towns.setdefault(assignment.town_id, assignment.town)
    return list(towns.values())


def _own(scope: Scope) -> Q:
    return NOTHING if scope.cadre_id is None else Q(cadre_id=scope.cadre_id)


def town_stay_q(scope: Scope) -> Q:
    if scope.role == SUPERUSER:
        return Q()
    if scope.is_area_wide:
        return _own(scope) | (scope.area_q("town__code") & Q(submitted_at__isnull=False))
    return _own(scope)


def town_stay_reports_mine(scope: Scope) -> QuerySet[TownStayReport]:
    if scope.cadre_id is None:
        return TownStayReport.objects.none()
    return (
        TownStayReport.objects.filter(cadre_id=scope.cadre_id)
        .select_related("cadre", "town")
        .order_by("-month")
    )


def town_stay_report_get(scope: Scope, cadre_code: str, month: dt.date) -> TownStayReport | None:
    return (
        TownStayReport.objects.filter(town_stay_q(scope), cadre__code=cadre_code, month=month)
        .select_related("cadre__unit", "town")
        .first()
    )


def town_stay_own_report(scope: Scope, month: dt.date) -> TownStayReport | None:
    if scope.cadre_id is None:
        return None
    return TownStayReport.objects.filter(cadre_id=scope.cadre_id, month=month).select_related("town").first()


@dataclass
class BoardRow:
    leader: Cadre
    towns: list[Area]
    report: TownStayReport | None
    # Whether the viewer may open the report (a draft is its author's alone).
    readable: bool

    @property
    def status(self) -> str:
        if self.report is None:
            return MISSING
        return SUBMITTED if self.report.submitted_at else DRAFT

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class TownStayBoard:
    month: dt.date
    rows: list[BoardRow] = field(default_factory=list)
    # Over every leader of the month in the scope (and town filter), before the status filter.
    total: int = 0
    submitted: int = 0
    drafts: int = 0

    @property
    def missing(self) -> int:
        return self.total - self.submitted - self.drafts


def town_stay_board(scope: Scope, month: dt.date, *, town_code: str = "", status: str = "") -> TownStayBoard:
    """Every county leader with a town of the scope in `month`, with their report of the month."""
    assignments = (
        leader_towns_in_month(month)
        .filter(scope.area_q("town__code"), cadre__categories__contains=f",{CadreCategory.COUNTY_LEADER},")
        .select_related("cadre__unit", "town")
        .order_by("town__code", "cadre__code", "start_date")
    )
    if not scope.is_area_wide:
        # Anyone else finds on the board only their own row.
        assignments = assignments.filter(_own(scope))
    if town_code:
        assignments = assignments.filter(town__code=town_code)
    leaders: dict[int, BoardRow] = {}
    for assignment in assignments:
        row = leaders.setdefault(
            assignment.cadre_id, BoardRow(leader=assignment.cadre, towns=[], report=None, readable=False)
        )
        if assignment.town not in row.towns:
            row.towns.append(assignment.town)
    reports = TownStayReport.objects.filter(month=month, cadre_id__in=list(leaders)).select_related("town")
    for report in reports:
        row = leaders[report.cadre_id]
        row.report = report
        row.readable = report.submitted_at is not None or report.cadre_id == scope.cadre_id
    rows = list(leaders.values())
    board = TownStayBoard(
        month=month,
        total=len(rows),
        submitted=sum(1 for row in rows if row.status == SUBMITTED),
        drafts=sum(1 for row in rows if row.status == DRAFT),
    )
    board.rows = [row for row in rows if not status or row.status == status]
    return board


def town_stay_month_reports(scope: Scope, month: dt.date, *, town_code: str = "") -> list[TownStayReport]:
    """The month's submitted reports the scope may read, by town and leader, for the Word export."""
    reports = TownStayReport.objects.filter(town_stay_q(scope), month=month, submitted_at__isnull=False)
    if town_code:
        reports = reports.filter(town__code=town_code)
    return list(reports.select_related("cadre__unit", "town").order_by("town__code", "cadre__code"))
