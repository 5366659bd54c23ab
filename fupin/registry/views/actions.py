"""Actions on the household file: each small form posts to one service, then back to the file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.scope import Scope
from fupin.core.web import staff_scope
from fupin.registry.forms import (
    CancelForm,
    ClearForm,
    ExitStartForm,
    HardshipForm,
    IncomeForm,
    MonitoringOpenForm,
    RelapseForm,
    StepForm,
    WithdrawForm,
)
from fupin.registry.models import Household, MonitoringCase, Procedure, ProcedureKind
from fupin.registry.selectors import household_get
from fupin.registry.services.editing import income_items_set
from fupin.registry.services.lifecycle import (
    household_cancel,
    household_relapse,
    procedure_start,
    procedure_step_record,
    procedure_withdraw,
)
from fupin.registry.services.monitoring import hardship_event_record, monitoring_case_open, risk_clear

Handler = Callable[[Actor, Scope, Household, Any], str]


def _procedure_of(household: Household, pk: int) -> Procedure:
    procedure = Procedure.objects.filter(household=household, pk=pk).first()
    if procedure is None:
        raise Http404
    return procedure


def _record_step(actor: Actor, scope: Scope, household: Household, data: dict[str, Any]) -> str:
    step = procedure_step_record(
        actor=actor,
        scope=scope,
        procedure=_procedure_of(household, data["procedure"]),
        step_kind=data["step_kind"],
        on=data["on"],
        ends_on=data["ends_on"],
        passed=data["passed"],
        note=data["note"],
    )
    return f"已录入“{step.get_kind_display()}”。"


def _withdraw(actor: Actor, scope: Scope, household: Household, data: dict[str, Any]) -> str:
    procedure_withdraw(
        actor=actor, scope=scope, procedure=_procedure_of(household, data["procedure"]), reason=data["reason"]
    )
    return "程序已撤回。"


def _start_exit(actor: Actor, scope: Scope, household: Household, data: dict[str, Any]) -> str:
    procedure_start(
        actor=actor,
        scope=scope,
        household=household,
        kind=ProcedureKind.EXIT,
        started_on=data["started_on"],
        year=data["year"],
    )
    return "已启动脱贫退出程序。"


def _relapse(actor: Actor, scope: Scope, household: Household, data: dict[str, Any]) -> str:
    household_relapse(
        actor=actor, scope=scope, household=household, year=data["year"], reason=data["reason"], on=data["on"]
    )
    return "已认定返贫。"


def _cancel(actor: Actor, scope: Scope, household: Household, data: dict[str, Any]) -> str:
    household_cancel(actor=actor, scope=scope, household=household, reason=data["reason"], on=data["on"])
    return "该户已注销。"


def _open_case(actor: Actor, scope: Scope, household: Household, data: dict[str, Any]) -> str:
    monitoring_case_open(
        actor=actor,
        scope=scope,
        household=household,
        lead_on=data["lead_on"],
        lead_source=data["lead_source"],
        monitoring_type=data["monitoring_type"],
    )
    return "已启动监测对象识别，须在风险线索日期起15日内办结。"


def _clear(actor: Actor, scope: Scope, household: Household, data: dict[str, Any]) -> str:
    case = MonitoringCase.objects.filter(household=household, pk=data["case"]).first()
    if case is None:
        raise Http404
    risk_clear(actor=actor, scope=scope, case=case, started_on=data["started_on"])
    return "已启动风险消除程序。"


def _hardship(actor: Actor, scope: Scope, household: Household, data: dict[str, Any]) -> str:
    hardship_event_record(
        actor=actor,
        scope=scope,
        household=household,
        kind=data["kind"],
        on=data["on"],
        expense=data["expense"],
        note=data["note"],
    )
    return "已登记突发事件。"


def _income(actor: Actor, scope: Scope, household: Household, form: IncomeForm) -> str:
    year = form.cleaned_data["year"]
    income_items_set(actor=actor, scope=scope, household=household, year=year, items=form.lines())
    return f"已保存{year}年收支。"


ACTIONS: dict[str, tuple[type[forms.Form], Handler, bool]] = {
    # name: (form, handler, whether the handler takes the form itself rather than its data)
    "step": (StepForm, _record_step, False),
    "withdraw": (WithdrawForm, _withdraw, False),
    "exit": (ExitStartForm, _start_exit, False),
    "relapse": (RelapseForm, _relapse, False),
    "cancel": (CancelForm, _cancel, False),
    "monitoring": (MonitoringOpenForm, _open_case, False),
    "clear": (ClearForm, _clear, False),
    "hardship": (HardshipForm, _hardship, False),
    "income": (IncomeForm, _income, True),
}


@login_required
@require_POST
def household_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    scope = staff_scope(request)
    household = household_get(scope, code)
    if household is None or action not in ACTIONS:
        raise Http404
    form_class, handler, takes_form = ACTIONS[action]
    form = form_class(request.POST)
    back = reverse("registry:household-detail", args=[code]) + f"#{action}"
    if not form.is_valid():
        messages.error(request, f"未保存：{_form_errors(form)}")
        return redirect(back)
    try:
        message = handler(Actor.of(request.user), scope, household, form if takes_form else form.cleaned_data)
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, f"未保存：{error.message}")
    else:
        messages.success(request, message)
    return redirect(back)


def _form_errors(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        prefix = f"{field.label}：" if field is not None and field.label else ""
        parts.append(prefix + "，".join(str(e) for e in errors))
    return "；".join(parts)
