"""Pages of field work: leave (请销假) — my leave and the request form, the approvals inbox, the
leave of the user's area, and one leave with its history and the actions the user may take."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.scope import Scope
from fupin.core.selectors import change_history
from fupin.core.web import paginate, staff_scope
from fupin.fieldwork.forms_leave import LeaveDecisionForm, LeaveRequestForm, LeaveReturnForm, VersionForm
from fupin.fieldwork.models import Leave, LeaveStatus
from fupin.fieldwork.selectors.leave import (
    is_own,
    leave_get,
    leave_list,
    leave_pending_for,
    may_decide,
    may_report_back,
)
from fupin.fieldwork.services.leave import leave_decide, leave_request, leave_return, leave_withdraw

T = TypeVar("T")


def service_saved(request: HttpRequest, form: forms.Form | None, write: Callable[[], T]) -> T | None:
    """Run one service write and return what it wrote. A refusal of permission is a 403; any other
    refusal goes onto the form (field errors where the form has the field) and into a message, and
    None is returned: nothing was saved."""
    try:
        return write()
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        if form is not None:
            for field, message in error.field_errors.items():
                if field in form.fields:
                    form.add_error(field, message)
        messages.error(request, f"未保存：{error.message}")
        return None


def _visible_leave(scope: Scope, pk: int) -> Leave:
    leave = leave_get(scope, pk)
    if leave is None:
        raise Http404
    return leave


def _may_withdraw(request: HttpRequest, scope: Scope, leave: Leave) -> bool:
    return leave.status == LeaveStatus.PENDING and (
        leave.requested_by_id == request.user.pk or is_own(scope, leave)
    )


@login_required
@require_http_methods(["GET", "POST"])
def leave_mine_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    form = LeaveRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if service_saved(
            request,
            form,
            lambda: leave_request(
                actor=Actor.of(request.user),
                scope=scope,
                start_date=data["start_date"],
                end_date=data["end_date"],
                reason=data["reason"],
            ),
        ):
            messages.success(request, "请假申请已提交，等待审批。")
            return redirect("fieldwork:leave-mine")
    page, query = paginate(request, leave_list(scope, mine=True))
    return render(
        request,
        "fieldwork/leave_mine.html",
        {"form": form, "page_obj": page, "query": query, "has_cadre": scope.cadre_id is not None},
    )


@login_required
@require_GET
def leave_approvals_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    page, query = paginate(request, leave_pending_for(scope))
    rows = [(leave, LeaveDecisionForm(initial={"version": leave.version}, auto_id=False)) for leave in page]
    return render(request, "fieldwork/leave_approvals.html", {"page_obj": page, "query": query, "rows": rows})


@login_required
@require_GET
def leave_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    status = request.GET.get("status", "")
    leaves = leave_list(
        scope,
        status=status if status in LeaveStatus.values else "",
        cadre_code=request.GET.get("cadre", "").strip(),
    )
    page, query = paginate(request, leaves)
    return render(
        request,
        "fieldwork/leave_list.html",
        {"page_obj": page, "query": query, "statuses": LeaveStatus.choices},
    )


@login_required
@require_GET
def leave_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    leave = _visible_leave(scope, pk)
    pending = leave.status == LeaveStatus.PENDING
    context = {
        "leave": leave,
        "history": change_history(leave)[:50],
        "decide_form": (
            LeaveDecisionForm(initial={"version": leave.version})
            if pending and may_decide(scope, leave)
            else None
        ),
        "return_form": (
            LeaveReturnForm(initial={"version": leave.version, "returned_on": timezone.localdate()})
            if leave.status == LeaveStatus.APPROVED and may_report_back(scope, leave)
            else None
        ),
        "withdraw_form": (
            VersionForm(initial={"version": leave.version}) if _may_withdraw(request, scope, leave) else None
        ),
    }
    return render(request, "fieldwork/leave_detail.html", context)


def _back(request: HttpRequest, leave: Leave) -> HttpResponse:
    if request.POST.get("back") == "approvals":
        return redirect("fieldwork:leave-approvals")
    return redirect(reverse("fieldwork:leave-detail", args=[leave.pk]))


@login_required
@require_POST
def leave_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    leave = _visible_leave(scope, pk)
    form = LeaveDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未保存：请选择审批结果。")
        return _back(request, leave)
    approve = form.cleaned_data["decision"] == "approve"
    if service_saved(
        request,
        None,
        lambda: leave_decide(
            actor=Actor.of(request.user),
            scope=scope,
            leave=leave,
            approve=approve,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        ),
    ):
        messages.success(request, f"已{'批准' if approve else '驳回'} {leave.cadre.name} 的请假。")
    return _back(request, leave)


@login_required
@require_POST
def leave_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    leave = _visible_leave(scope, pk)
    form = LeaveReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未保存：请填写销假日期。")
    elif service_saved(
        request,
        None,
        lambda: leave_return(
            actor=Actor.of(request.user),
            scope=scope,
            leave=leave,
            returned_on=form.cleaned_data["returned_on"],
            expected_version=form.cleaned_data["version"],
        ),
    ):
        messages.success(request, "已销假。")
    return _back(request, leave)


@login_required
@require_POST
def leave_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    leave = _visible_leave(scope, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    if service_saved(
        request,
        None,
        lambda: leave_withdraw(
            actor=Actor.of(request.user),
            scope=scope,
            leave=leave,
            expected_version=form.cleaned_data["version"],
        ),
    ):
        messages.success(request, "已撤回请假申请。")
    return _back(request, leave)


urlpatterns: list[URLPattern | URLResolver] = [
    path("fieldwork/leave/", leave_mine_view, name="leave-mine"),
    path("fieldwork/leave/approvals/", leave_approvals_view, name="leave-approvals"),
    path("fieldwork/leave/all/", leave_list_view, name="leave-list"),
    path("fieldwork/leave/<int:pk>/", leave_detail_view, name="leave-detail"),
    path("fieldwork/leave/<int:pk>/decide/", leave_decide_view, name="leave-decide"),
    path("fieldwork/leave/<int:pk>/return/", leave_return_view, name="leave-return"),
    path("fieldwork/leave/<int:pk>/withdraw/", leave_withdraw_view, name="leave-withdraw"),
]
