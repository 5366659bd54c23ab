"""Pages of the registry: the household list, the household file (户档案) with its actions, and the
monitoring list. Thin: scope, one selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.core.web import paginate, staff_scope
from fupin.registry.file_sections import file_sections
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
from fupin.registry.models import (
    Household,
    HouseholdCategory,
    MonitoringCase,
    MonitoringStatus,
    MonitoringType,
    PovertyCause,
    PovertyStatus,
    Procedure,
    ProcedureKind,
    ProcedureStatus,
)
from fupin.registry.procedures import Level, StepDefinition, may_record, next_step
from fupin.registry.risk import risk_flags
from fupin.registry.selectors import (
    hardship_events,
    household_get,
    household_history,
    household_list,
    income_by_year,
    monitoring_case_list,
    procedure_list,
    status_history,
)
from fupin.registry.services.editing import income_items_set
from fupin.registry.services.lifecycle import (
    EXIT_FROM,
    exit_failures,
    household_cancel,
    household_relapse,
    procedure_start,
    procedure_step_record,
    procedure_withdraw,
)
from fupin.registry.services.monitoring import (
    OPEN_STATUSES,
    TYPES_BY_STATUS,
    hardship_event_record,
    monitoring_case_open,
    risk_clear,
)


def _filters(request: HttpRequest, scope: Scope) -> dict[str, str]:
    area_code = request.GET.get("area", "").strip()
    return {
        # An area outside the scope is ignored rather than widening anything.
        "area_code": area_code if area_code and area_get(scope, area_code) else "",
        "status": request.GET.get("status", ""),
        "cause": request.GET.get("cause", ""),
        "category": request.GET.get("category", ""),
        "search": request.GET.get("q", "").strip(),
    }


@login_required
@require_GET
def household_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    households = household_list(scope, **_filters(request, scope)).select_related("village").order_by("code")
    page, query = paginate(request, households)
    return render(
        request,
        "registry/household_list.html",
        {
            "page_obj": page,
            "query": query,
            "statuses": PovertyStatus.choices,
            "causes": PovertyCause.choices,
            "categories": HouseholdCategory.choices,
            "show_full_id": scope.can_see_full_id_numbers,
        },
    )


@dataclass
class OpenProcedure:
    procedure: Procedure
    next_step: StepDefinition | None
    step_form: StepForm | None
    withdraw_form: WithdrawForm | None


def _open_procedure(scope: Scope, procedure: Procedure) -> OpenProcedure:
    step = next_step(procedure.kind, [s.kind for s in procedure.steps.all()])
    today = timezone.localdate()
    step_form = None
    if step is not None and may_record(scope, step.level):
        step_form = StepForm(initial={"procedure": procedure.pk, "step_kind": step.kind, "on": today})
        if not step.is_publicity:
            step_form.fields["ends_on"].widget = forms.HiddenInput()
    withdraw_form = None
    if may_record(scope, Level.VILLAGE):
        withdraw_form = WithdrawForm(initial={"procedure": procedure.pk})
    return OpenProcedure(procedure, step, step_form, withdraw_form)


def _action_forms(
    scope: Scope, household: Household, procedures: list[Procedure], cases: list[MonitoringCase]
) -> dict[str, Any]:
    """The forms this user may use on this household now, by name (absent when not allowed)."""
    today = timezone.localdate()
    status = household.poverty_status
    open_kinds = {p.kind for p in procedures if p.status == ProcedureStatus.IN_PROGRESS}
    village, county = may_record(scope, Level.VILLAGE), may_record(scope, Level.COUNTY)
    open_case = next((c for c in cases if c.status in OPEN_STATUSES), None)
    found: dict[str, Any] = {}
    if village and status in EXIT_FROM and ProcedureKind.EXIT not in open_kinds:
        found["exit_form"] = ExitStartForm(initial={"year": today.year, "started_on": today})
    if county and status == PovertyStatus.OUT:
        found["relapse_form"] = RelapseForm(initial={"year": today.year, "on": today})
    if county and status != PovertyStatus.CANCELLED:
        found["cancel_form"] = CancelForm(initial={"on": today})
    if village:
        found["income_form"] = IncomeForm(initial={"year": today.year - 1})
    if village and status in TYPES_BY_STATUS and open_case is None:
        form = MonitoringOpenForm(initial={"lead_on": today, "monitoring_type": TYPES_BY_STATUS[status][0]})
        field = form.fields["monitoring_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t, MonitoringType(t).label) for t in TYPES_BY_STATUS[status]]
        found["monitoring_form"] = form
    clearable = open_case is not None and open_case.status == MonitoringStatus.MONITORED
    if village and clearable and ProcedureKind.RISK_CLEARANCE not in open_kinds:
        assert open_case is not None
        found["clear_form"] = ClearForm(initial={"case": open_case.pk, "started_on": today})
    if village or scope.role == Role.PAIRED_CADRE:
        found["hardship_form"] = HardshipForm(initial={"on": today, "expense": 0})
    return found


@login_required
@require_GET
def household_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    household = household_get(scope, code)
    if household is None:
        raise Http404
    procedures = list(procedure_list(household))
    cases = list(household.monitoring_cases.all())
    year = timezone.localdate().year
    context = {
        "household": household,
        "members": list(household.members.all()),
        "show_full_id": scope.can_see_full_id_numbers,
        "incomes": income_by_year(household),
        "statuses": list(status_history(household)),
        "procedures": procedures,
        "open_procedures": [
            _open_procedure(scope, p) for p in procedures if p.status == ProcedureStatus.IN_PROGRESS
        ],
        "risk_year": year,
        "risk_flags": risk_flags(household, year),
        "exit_failures": exit_failures(household, year) if household.poverty_status in EXIT_FROM else [],
        "cases": cases,
        "events": list(hardship_events(household)[:20]),
        "sections": [
            (s.title, s.key, render_to_string(s.template, s.context(scope, household), request=request))
            for s in file_sections()
        ],
        "history": household_history(household)[:50],
        "today": timezone.localdate(),
        **_action_forms(scope, household, procedures, cases),
    }
    return render(request, "registry/household_detail.html", context)


# Actions on the household file: each form posts to one service, then back to the file. -------------

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


@login_required
@require_GET
def monitoring_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    today = timezone.localdate()
    area_code = request.GET.get("area", "").strip()
    cases = monitoring_case_list(
        scope,
        status=request.GET.get("status", ""),
        monitoring_type=request.GET.get("type", ""),
        area_code=area_code if area_code and area_get(scope, area_code) else "",
        overdue_on=today if request.GET.get("overdue") else None,
    ).order_by("-lead_on", "-id")
    page, query = paginate(request, cases)
    return render(
        request,
        "registry/monitoring_list.html",
        {
            "page_obj": page,
            "query": query,
            "today": today,
            "statuses": MonitoringStatus.choices,
            "types": MonitoringType.choices,
        },
    )
