"""Pages of rectification: the 清零 board (by area, unit and category, with its charts), its exports —
the rectification ledger in Excel and the summary in Word — and each user's deadline notices
(整改提醒) with marking them read."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from fupin.areas.models import Area
from fupin.areas.selectors import area_ancestors
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, paginate, staff_scope
from fupin.rectification.exports import ledger_xlsx, summary_docx
from fupin.rectification.models import NoticeKind, ProblemStatus
from fupin.rectification.selectors.board import (
    BoardRow,
    Counts,
    LedgerFilter,
    board_area,
    notice_list,
    rectification_board,
    unread_notice_count,
)
from fupin.rectification.services.notices import notices_mark_read

NOT_BOARD_VIEWER = "清零看板仅对县、乡镇两级账号开放"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The problem list (another part of this app) and the filters it reads; until it is routed, links
# point at the path it will have.
PROBLEM_LIST = "rectification:problem-list"
PROBLEM_LIST_PATH = "/rectification/problems/"
S = ProblemStatus
# What each count of the board means as problem-list filters.
COUNT_FILTERS: dict[str, list[tuple[str, str]]] = {
    "found": [],
    "rectified": [("status", S.RECTIFIED), ("status", S.CLOSED)],
    "closed": [("status", S.CLOSED)],
    "open": [("status", S.OPEN), ("status", S.IN_PROGRESS)],
    "overdue": [("overdue", "1")],
}
KIND_BADGES = {
    NoticeKind.DUE_SOON: "text-bg-warning",
    NoticeKind.OVERDUE: "text-bg-danger",
    NoticeKind.LONG_OVERDUE: "text-bg-dark",
}


def _board_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not (scope.is_area_wide or scope.is_everything):
        raise PermissionDenied(NOT_BOARD_VIEWER)
    return scope


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", "").strip())
    except ValueError:
        return timezone.localdate()


def _area(request: HttpRequest, scope: Scope) -> Area:
    area = board_area(scope, request.GET.get("area", ""))
    if area is None:
        raise Http404("区划不存在或不在您的管辖范围内")
    return area


def problem_list_url(filters: dict[str, str], count: str, as_of: dt.date) -> str:
    """The problem list filtered to what one count of the board stands for."""
    try:
        base = reverse(PROBLEM_LIST)
    except NoReverseMatch:
        base = PROBLEM_LIST_PATH
    params = [*filters.items(), *COUNT_FILTERS[count], ("as_of", as_of.isoformat())]
    return f"{base}?{urlencode(params)}"


def _row(row: BoardRow, base: dict[str, str], as_of: dt.date) -> dict[str, Any]:
    links = {}
    if row.filters:
        filters = base | row.filters
        links = {count: problem_list_url(filters, count, as_of) for count in COUNT_FILTERS}
    drill = None
    if row.drill_code:
        query = urlencode({"area": row.drill_code, "as_of": as_of.isoformat()})
        drill = f"{reverse('rectification:board')}?{query}"
    return {"label": row.label, "counts": row.counts, "links": links, "drill": drill}


def _rates(counts: Counts) -> dict[str, str]:
    return {
        part: "—" if (rate := counts.rate(part)) is None else f"{rate:.1%}"
        for part in ("rectified", "closed", "overdue")
    }


@login_required
@require_GET
def board_view(request: HttpRequest) -> HttpResponse:
    scope = _board_scope(request)
    area, as_of = _area(request, scope), _as_of(request)
    board = rectification_board(area, as_of)
    base = {"area": area.code}
    by_area = [_row(r, {}, as_of) for r in board.by_area]
    charts = {
        "areas": [r.label for r in board.by_area],
        "open": [r.counts.open for r in board.by_area],
        "overdue": [r.counts.overdue for r in board.by_area],
        "categories": [
            {"name": r.label, "value": r.counts.found} for r in board.by_category if r.counts.found
        ],
    }
    query = urlencode({"area": area.code, "as_of": as_of.isoformat()})
    return render(
        request,
        "rectification/board.html",
        {
            "board": board,
            "area": area,
            "trail": [a for a in area_ancestors(area) if scope.covers_code(a.code)],
            "total_links": {count: problem_list_url(base, count, as_of) for count in COUNT_FILTERS},
            "rates": _rates(board.total),
            "by_area": by_area,
            "by_unit": [_row(r, base, as_of) for r in board.by_unit],
            "by_category": [_row(r, base, as_of) for r in board.by_category],
            "charts": charts,
            "query": query,
        },
    )


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@login_required
@require_GET
def board_export_xlsx_view(request: HttpRequest) -> HttpResponse:
    scope = _board_scope(request)
    area, as_of = _area(request, scope), _as_of(request)
    chosen = LedgerFilter(
        area=area,
        as_of=as_of,
        unit_code=request.GET.get("unit", "").strip(),
        category_id=int_or_none(request.GET.get("category")),
    )
    return _download(ledger_xlsx(chosen), f"整改台账-{area.name}-{as_of.isoformat()}.xlsx", XLSX)


@login_required
@require_GET
def board_export_docx_view(request: HttpRequest) -> HttpResponse:
    scope = _board_scope(request)
    area, as_of = _area(request, scope), _as_of(request)
    return _download(summary_docx(area, as_of), f"整改情况报告-{area.name}-{as_of.isoformat()}.docx", DOCX)


# -- 整改提醒 ----------------------------------------------------------------------------------------
@login_required
@require_GET
def notice_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    page, query = paginate(request, notice_list(scope))
    return render(
        request,
        "rectification/notice_list.html",
        {
            "page_obj": page,
            "query": query,
            "unread": unread_notice_count(scope),
            "badges": KIND_BADGES,
            "reaches_anyone": scope.cadre_id is not None or scope.can_manage,
        },
    )


@login_required
@require_POST
def notice_read_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    notice_id = int_or_none(request.POST.get("notice"))
    if notice_id is None and not request.POST.get("all"):
        raise Http404
    count = notices_mark_read(
        actor=Actor.of(request.user), scope=scope, ids=None if notice_id is None else [notice_id]
    )
    if notice_id is None:
        messages.success(request, f"已将{count}条提醒标为已读。")
    page = int_or_none(request.POST.get("page"))
    target = reverse("rectification:notices")
    return redirect(f"{target}?page={page}" if page else target)


urlpatterns: list[URLPattern | URLResolver] = [
    path("rectification/board/", board_view, name="board"),
    path("rectification/board/ledger.xlsx", board_export_xlsx_view, name="board-export-xlsx"),
    path("rectification/board/summary.docx", board_export_docx_view, name="board-export-docx"),
    path("rectification/notices/", notice_list_view, name="notices"),
    path("rectification/notices/read/", notice_read_view, name="notice-read"),
]
