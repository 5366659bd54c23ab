"""Pages of field work: compliance (考勤看板) — the board of a month and area with its groupings and the
list of cadres who fall short (and its Excel export), one cadre's calendar of the month, the
managers' revalidation button, and a cadre's reminders (考勤提醒).

Who sees the board: the area-wide roles (county, town) every judged cadre of the area they may open;
a unit user its units' cadres. Every cadre sees their own calendar and reminders.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from fupin.areas.models import Area, AreaLevel
from fupin.areas.selectors import area_get
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.roles import Role
from fupin.core.scope import Scope, scope_of
from fupin.core.web import paginate, staff_scope
from fupin.fieldwork.exports import HEADER, SECONDARY, shortfall_workbook
from fupin.fieldwork.selectors.compliance import (
    KIND_BITS,
    WEEK,
    QuotaRule,
    cadre_checkins,
    calendar_span,
    compliance_cadres_q,
    day_masks_of,
    judge_cadre,
    judged_cadres,
    quota_rules,
    reminder_list,
    span,
    unread_reminder_count,
)
from fupin.fieldwork.selectors.compliance_board import (
    NO_TOWN,
    SHOWS,
    BoardQuery,
    Filters,
    board_of,
    calendar_of,
    shortfall_rows,
    shortfall_seeds,
)
from fupin.fieldwork.selectors.leave import leave_days_by_cadre
from fupin.fieldwork.services.reminders import reminders_mark_read
from fupin.fieldwork.tasks import revalidate_checkins
from fupin.people.models import Cadre

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


ROWS_PER_PAGE = 100


def _month_of(params: QueryDict) -> tuple[int, int]:
    match = MONTH_RE.match(params.get("month", "").strip())
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2100:
        return int(match[1]), int(match[2])
    today = timezone.localdate()
    return today.year, today.month


def _area_of(params: QueryDict, scope: Scope) -> Area:
    """The area asked for (inside the scope), else the user's: a unit user's county, a platform
    administrator's first county."""
    code = params.get("area", "").strip()
    if code:
        area = area_get(scope, code)
    elif scope.is_everything:
        area = Area.objects.filter(level=AreaLevel.COUNTY).order_by("code").first()
    elif scope.root_area_code:
        root = scope.root_area_code
        wanted = areacode.county_code_of(root) if scope.role == Role.UNIT_USER else root
        area = Area.objects.filter(code=wanted).first()
    else:
        area = None
    if area is None:
        raise Http404
    return area


def _query(request: HttpRequest, params: QueryDict | None = None) -> BoardQuery:
    scope = staff_scope(request)
    params = request.GET if params is None else params
    year, month = _month_of(params)
    return BoardQuery(scope, _area_of(params, scope), year, month, compliance_cadres_q(scope))


def _board_query(request: HttpRequest, params: QueryDict | None = None) -> BoardQuery:
    query = _query(request, params)
    if query.cadres is None:
        raise PermissionDenied("考勤看板供县、乡镇和单位用户查看；本人考勤请见“我的考勤”。")
    return query


@login_required
@require_GET
def compliance_board_view(request: HttpRequest) -> HttpResponse:
    query = _board_query(request)
    board = board_of(query)
    filters = Filters.of(request.GET)
    page = Paginator(shortfall_seeds(board, filters), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    list_query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "fieldwork/compliance.html",
        {
            "q": query,
            "board": board,
            "filters": filters,
            "filter_text": filters.describe(board),
            "shows": SHOWS,
            "header": [(title, i in SECONDARY) for i, title in enumerate(HEADER)],
            "rows": [
                (row, [(cell, i in SECONDARY) for i, cell in enumerate(row.cells)])
                for row in shortfall_rows(board, list(page))
            ],
            "page_obj": page,
            "query": list_query,
            "can_revalidate": query.scope.can_manage,
            "no_town": NO_TOWN,
        },
    )


@login_required
@require_GET
def compliance_export_view(request: HttpRequest) -> HttpResponse:
    query = _board_query(request)
    board = board_of(query)
    filters = Filters.of(request.GET)
    rows = shortfall_rows(board, shortfall_seeds(board, filters))
    response = HttpResponse(
        shortfall_workbook(board, filters, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"compliance-{query.area.code}-{query.month_text}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def compliance_revalidate_view(request: HttpRequest) -> HttpResponse:
    """按当前规则重新核验本月打卡: the area's check-ins of the month (and its straddling weeks)."""
    query = _board_query(request, request.POST)
    if not query.scope.can_manage:
        raise PermissionDenied("只有县级管理员和县扶贫办可以重新核验打卡")
    days = span(quota_rules(query.area.code), query.year, query.month)
    user_id = request.user.pk
    transaction.on_commit(
        lambda: revalidate_checkins.delay(
            query.area.code, days.start.isoformat(), days.end.isoformat(), user_id
        )
    )
    messages.success(
        request,
        f"已开始按当前规则重新核验{query.area.name}{days.start:%Y-%m-%d}至{days.end:%Y-%m-%d}的打卡；"
        "完成后刷新本页即可看到新的考勤结果。",
    )
    return redirect(f"{reverse('fieldwork:compliance')}?{query.base_query}")


def _visible_cadre(query: BoardQuery, cadre: Cadre, rules: list[QuotaRule]) -> bool:
    if query.scope.cadre_id == cadre.pk:
        return True
    if query.cadres is None:
        return False
    return judged_cadres(query.area, rules, query.as_of).filter(query.cadres, pk=cadre.pk).exists()


@login_required
@require_GET
def compliance_cadre_view(request: HttpRequest, code: str) -> HttpResponse:
    """A cadre's month: each day's valid check-ins by kind, the invalid ones with their reason, the
    leave days, and each judged week's and the month's days against the rule."""
    query = _query(request)
    cadre = Cadre.objects.select_related("unit").filter(code=code).first()
    rules = quota_rules(query.area.code)
    if cadre is None or not _visible_cadre(query, cadre, rules):
        raise Http404
    grid = calendar_span(query.year, query.month, rules)
    checkins = cadre_checkins(cadre.pk, grid)
    leave = leave_days_by_cadre([cadre.pk], grid.start, grid.end).get(cadre.pk, set())
    masks = day_masks_of(((c.date, c.kind) for c in checkins if c.valid and c.kind in KIND_BITS), grid.start)
    results = judge_cadre(rules, cadre.category_list, masks, query.year, query.month)
    weeks = calendar_of(checkins, leave, grid, query.year, query.month)
    by_start = {week.days[0].day: week for week in weeks}
    monthly = []
    for result in results:
        for period in result.periods:
            if result.rule.period == WEEK and period.period.start in by_start:
                by_start[period.period.start].results.append((result.rule, period))
            else:
                monthly.append((result.rule, period, max(0, result.rule.days - period.days)))
    return render(
        request,
        "fieldwork/compliance_cadre.html",
        {
            "q": query,
            "cadre": cadre,
            "results": results,
            "weeks": weeks,
            "monthly": monthly,
            "has_weekly": any(r.rule.period == WEEK for r in results),
            "leave_count": sum(1 for d in leave if d.month == query.month),
            "previous": _shift(query.year, query.month, -1),
            "next": _shift(query.year, query.month, 1),
            "on_board": query.cadres is not None,
        },
    )


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12}-{index % 12 + 1:02d}"


@login_required
@require_GET
def compliance_mine_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    cadre = None
    if scope.cadre_id is not None:
        cadre = Cadre.objects.filter(pk=scope.cadre_id).values_list("code", flat=True).first()
    if cadre is None:
        raise Http404("您的账号未关联干部")
    target = reverse("fieldwork:compliance-cadre", args=[cadre])
    return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)


# -- reminders -------------------------------------------------------------------------------------
@login_required
@require_GET
def reminder_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    page, query = paginate(request, reminder_list(scope))
    return render(
        request,
        "fieldwork/reminders.html",
        {
            "page_obj": page,
            "query": query,
            "has_cadre": scope.cadre_id is not None,
            "unread": unread_reminder_count(scope),
        },
    )


@login_required
@require_POST
def reminder_read_view(request: HttpRequest) -> HttpResponse:
    """Mark read the reminders named in the form (`reminder`, repeated), or all with `all`."""
    scope = staff_scope(request)
    ids = (
        None if request.POST.get("all") else [int(v) for v in request.POST.getlist("reminder") if v.isdigit()]
    )
    count = reminders_mark_read(actor=Actor.of(request.user), scope=scope, reminder_ids=ids)
    messages.success(request, f"已将{count}条提醒标为已读。" if count else "没有未读提醒。")
    return redirect("fieldwork:reminders")


def unread_reminders(request: HttpRequest) -> dict[str, Any]:
    """A context processor for the navigation: `unread_reminders`, the signed-in cadre's unread
    reminders (0 for anyone else); `fieldwork/reminder_badge.html` shows it."""
    if not request.user.is_authenticated:
        return {"unread_reminders": 0}
    return {"unread_reminders": unread_reminder_count(scope_of(request))}


urlpatterns: list[URLPattern | URLResolver] = [
    path("fieldwork/compliance/", compliance_board_view, name="compliance"),
    path("fieldwork/compliance/export/", compliance_export_view, name="compliance-export"),
    path("fieldwork/compliance/revalidate/", compliance_revalidate_view, name="compliance-revalidate"),
    path("fieldwork/compliance/mine/", compliance_mine_view, name="compliance-mine"),
    path("fieldwork/compliance/cadre/<str:code>/", compliance_cadre_view, name="compliance-cadre"),
    path("fieldwork/reminders/", reminder_list_view, name="reminders"),
    path("fieldwork/reminders/read/", reminder_read_view, name="reminder-read"),
]
