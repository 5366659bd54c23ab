"""Pages of the duty app. Thin: scope, one selector or service, render."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from fupin.areas.models import Area
from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError, ConflictError
from fupin.core.scope import Scope
from fupin.core.web import paginate, staff_scope
from fupin.duty.forms import EndForm, PairingForm, WorkTeamMemberForm
from fupin.duty.models import Pairing, WorkTeamMember
from fupin.duty.selectors import (
    CoverageBoard,
    assignable_cadre,
    assignable_unit,
    cadre_responsibilities,
    coverage_board,
    pairing_get,
    pairing_list,
    unit_responsibilities,
    work_team_list,
    work_team_member_get,
)
from fupin.duty.services.assignments import (
    may_assign,
    may_manage_assignments,
    pairing_create,
    pairing_end,
    work_team_member_create,
    work_team_member_end,
)
from fupin.people.selectors import cadre_get, unit_get
from fupin.registry.models import PovertyStatus
from fupin.registry.selectors import household_get

PANEL_ROWS = 20


def _date_param(request: HttpRequest, name: str = "as_of") -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def _date_in_url(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


def _board(request: HttpRequest) -> tuple[Scope, CoverageBoard]:
    scope = staff_scope(request)
    code = request.GET.get("area", "").strip()
    area = area_get(scope, code) if code else None
    return scope, coverage_board(scope, _date_param(request), area)


# -- the coverage board --------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    hint: str
    header: tuple[str, ...]
    # The panel's full list on the board, and one spreadsheet row per item.
    items: Callable[[CoverageBoard], QuerySet[Any]]
    cells: Callable[[Any, CoverageBoard], tuple[Any, ...]]
    # Where the first cell links to, if anywhere.
    link: Callable[[Any], str | None]
    # Columns hidden on a phone.
    secondary: frozenset[int] = frozenset()


def _status_label(value: str) -> str:
    return str(PovertyStatus(value).label)


PANELS = {
    panel.key: panel
    for panel in (
        Panel(
            "households",
            "未落实帮扶责任人的贫困户",
            "脱贫属性为未脱贫或返贫、当日没有在帮结对的户",
            ("户编号", "户主姓名", "所在村", "区划代码", "脱贫属性"),
            lambda board: board.unpaired_households,
            lambda h, board: (h.code, h.head_name, h.village.name, h.area_code, _status_label(h.status_on)),
            lambda h: None,
            frozenset({3}),
        ),
        Panel(
            "villages",
            "没有第一书记的贫困村",
            "当日没有在任第一书记（或第一书记兼队长）的贫困村",
            ("区划代码", "村名", "所属乡镇"),
            lambda board: board.villages_without_first_secretary,
            lambda v, board: (v.code, v.name, v.parent.name if v.parent else ""),
            lambda v: reverse("areas:detail", args=[v.code]),
        ),
        Panel(
            "units",
            "未包村的单位",
            "当日没有在包村的单位",
            ("单位编码", "单位名称", "单位类型"),
            lambda board: board.units_without_village,
            lambda u, board: (u.code, u.name, u.get_kind_display()),
            lambda u: reverse("duty:unit", args=[u.code]),
            frozenset({2}),
        ),
        Panel(
            "cadres",
            "帮扶户数超限的干部",
            "帮扶户数超过本县上限的干部；列表按帮扶户数从多到少",
            ("干部编号", "姓名", "单位", "帮扶户数", "是否超限"),
            lambda board: board.cadre_loads.select_related("unit"),
            lambda c, board: (
                c.code,
                c.name,
                c.unit.name,
                c.load,
                "是" if c.load > board.load_limit else "否",
            ),
            lambda c: reverse("duty:cadre", args=[c.code]),
            frozenset({2}),
        ),
    )
}


def _panel_count(panel: Panel, board: CoverageBoard) -> int:
    if panel.key == "cadres":
        return board.overloaded_cadres.count()
    return panel.items(board).count()


@login_required
@require_GET
def coverage_board_view(request: HttpRequest) -> HttpResponse:
    _, board = _board(request)
    panels = [
        {
            "panel": panel,
            "count": _panel_count(panel, board),
            "header": [(title, i in panel.secondary) for i, title in enumerate(panel.header)],
            "rows": [
                (
                    panel.link(item),
                    [(cell, i in panel.secondary) for i, cell in enumerate(panel.cells(item, board))],
                )
                for item in panel.items(board)[:PANEL_ROWS]
            ],
        }
        for panel in PANELS.values()
    ]
    return render(
        request,
        "duty/coverage.html",
        {"board": board, "panels": panels, "panel_rows": PANEL_ROWS, "query": request.GET.urlencode()},
    )


def _workbook(title: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@login_required
@require_GET
def coverage_export_view(request: HttpRequest, panel: str) -> HttpResponse:
    chosen = PANELS.get(panel)
    if chosen is None:
        raise Http404
    _, board = _board(request)
    rows = (chosen.cells(item, board) for item in chosen.items(board).iterator(chunk_size=2000))
    data = _workbook(chosen.title, chosen.header, rows)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"coverage-{panel}-{board.as_of.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- responsibility lists (三单制 责任清单) -------------------------------------------------------
@login_required
@require_GET
def cadre_duty_view(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    cadre = cadre_get(scope, code)
    if cadre is None:
        raise Http404
    duties = cadre_responsibilities(scope, cadre, _date_param(request))
    return render(request, "duty/cadre.html", {"duties": duties, "cadre": cadre})


@login_required
@require_GET
def unit_duty_view(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    unit = unit_get(scope, code)
    if unit is None:
        raise Http404
    duties = unit_responsibilities(scope, unit, _date_param(request))
    return render(request, "duty/unit.html", {"duties": duties, "unit": unit})


# -- pairings and work teams ---------------------------------------------------------------------
def _assigning_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not may_manage_assignments(scope):
        raise PermissionDenied("只有县扶贫办和乡镇可以安排帮扶责任")
    return scope


def _show_errors(request: HttpRequest, form: Any, error: ApplicationError, fields: dict[str, str]) -> None:
    """A service's refusal on the form: field errors where the form has the field, else on top."""
    if isinstance(error, ConflictError):
        messages.error(request, error.message)
        return
    placed = False
    for field, message in error.field_errors.items():
        name = fields.get(field, field)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _active_filter(request: HttpRequest) -> dt.date | None:
    return None if request.GET.get("all") else _date_param(request)


@login_required
@require_GET
def pairing_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    pairings = pairing_list(
        scope,
        as_of=_active_filter(request),
        cadre_code=request.GET.get("cadre", "").strip(),
        household_code=request.GET.get("household", "").strip(),
    )
    page, query = paginate(request, pairings)
    rows = [
        (p, p.end_date is None and may_assign(scope, p.household.area_code, county_level=False)) for p in page
    ]
    return render(
        request,
        "duty/pairing_list.html",
        {"page_obj": page, "rows": rows, "query": query, "can_assign": may_manage_assignments(scope)},
    )


PAIRING_FIELDS = {"cadre": "cadre_code", "household": "household_code"}


@login_required
@require_http_methods(["GET", "POST"])
def pairing_create_view(request: HttpRequest) -> HttpResponse:
    scope = _assigning_scope(request)
    initial = {"household_code": request.GET.get("household", ""), "start_date": timezone.localdate()}
    form = PairingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cadre = assignable_cadre(data["cadre_code"].strip())
        household = household_get(scope, data["household_code"].strip())
        if cadre is None:
            form.add_error("cadre_code", "干部编号不存在")
        if household is None:
            form.add_error("household_code", "户编号不存在或不在您的管辖范围内")
        if cadre is not None and household is not None:
            try:
                pairing_create(
                    actor=Actor.of(request.user),
                    scope=scope,
                    cadre=cadre,
                    household=household,
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                )
            except ApplicationError as error:
                _show_errors(request, form, error, PAIRING_FIELDS)
            else:
                messages.success(request, f"已安排 {cadre.name} 帮扶 {household.head_name}户。")
                return redirect("duty:pairing-list")
    return render(request, "duty/assignment_form.html", {"form": form, "title": "新增结对帮扶"})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_end_view(request: HttpRequest, cadre_code: str, household_code: str, start: str) -> HttpResponse:
    scope = _assigning_scope(request)
    pairing = pairing_get(scope, cadre_code, household_code, _date_in_url(start))
    if pairing is None:
        raise Http404
    return _end_form(
        request,
        pairing,
        title=f"结束结对：{pairing.cadre.name} 帮扶 {pairing.household}（{pairing.start_date}起）",
        end=lambda end_date, version: pairing_end(
            actor=Actor.of(request.user),
            scope=scope,
            pairing=pairing,
            end_date=end_date,
            expected_version=version,
        ),
        done="duty:pairing-list",
    )


def _end_form(
    request: HttpRequest,
    assignment: Pairing | WorkTeamMember,
    *,
    title: str,
    end: Callable[[dt.date, int], object],
    done: str,
) -> HttpResponse:
    form = EndForm(
        request.POST or None, initial={"end_date": timezone.localdate(), "version": assignment.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            end(form.cleaned_data["end_date"], form.cleaned_data["version"])
        except ApplicationError as error:
            _show_errors(request, form, error, {})
        else:
            messages.success(request, "已结束。")
            return redirect(done)
    return render(request, "duty/assignment_form.html", {"form": form, "title": title})


@login_required
@require_GET
def work_team_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    members = work_team_list(
        scope,
        as_of=_active_filter(request),
        area_code=_area_code(scope, request.GET.get("area", "").strip()),
        cadre_code=request.GET.get("cadre", "").strip(),
    )
    page, query = paginate(request, members)
    rows = [(m, m.end_date is None and may_assign(scope, m.village.code, county_level=False)) for m in page]
    return render(
        request,
        "duty/work_team_list.html",
        {"page_obj": page, "rows": rows, "query": query, "can_assign": may_manage_assignments(scope)},
    )


def _area_code(scope: Scope, code: str) -> str:
    area: Area | None = area_get(scope, code) if code else None
    return area.code if area else ""


TEAM_FIELDS = {"cadre": "cadre_code", "village": "village_code", "sending_unit": "sending_unit_code"}


@login_required
@require_http_methods(["GET", "POST"])
def work_team_create_view(request: HttpRequest) -> HttpResponse:
    scope = _assigning_scope(request)
    initial = {"village_code": request.GET.get("village", ""), "start_date": timezone.localdate()}
    form = WorkTeamMemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = area_get(scope, data["village_code"].strip())
        cadre = assignable_cadre(data["cadre_code"].strip())
        unit_code = data["sending_unit_code"].strip()
        unit = assignable_unit(unit_code) if unit_code else (cadre.unit if cadre else None)
        if village is None:
            form.add_error("village_code", "区划代码不存在或不在您的管辖范围内")
        if cadre is None:
            form.add_error("cadre_code", "干部编号不存在")
        if unit_code and unit is None:
            form.add_error("sending_unit_code", "派出单位编码不存在")
        if village is not None and cadre is not None and unit is not None:
            try:
                work_team_member_create(
                    actor=Actor.of(request.user),
                    scope=scope,
                    village=village,
                    cadre=cadre,
                    role=data["role"],
                    sending_unit=unit,
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                )
            except ApplicationError as error:
                _show_errors(request, form, error, TEAM_FIELDS)
            else:
                messages.success(request, f"已安排 {cadre.name} 到{village.name}驻村。")
                return redirect("duty:work-team-list")
    return render(request, "duty/assignment_form.html", {"form": form, "title": "新增驻村工作队员"})


@login_required
@require_http_methods(["GET", "POST"])
def work_team_end_view(request: HttpRequest, village_code: str, cadre_code: str, start: str) -> HttpResponse:
    scope = _assigning_scope(request)
    member = work_team_member_get(scope, village_code, cadre_code, _date_in_url(start))
    if member is None:
        raise Http404
    return _end_form(
        request,
        member,
        title=f"结束驻村：{member.cadre.name} 在{member.village.name}（{member.start_date}起）",
        end=lambda end_date, version: work_team_member_end(
            actor=Actor.of(request.user),
            scope=scope,
            member=member,
            end_date=end_date,
            expected_version=version,
        ),
        done="duty:work-team-list",
    )
