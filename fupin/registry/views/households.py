"""The household list, the household file (户档案) and the monitoring list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from fupin.areas.selectors import area_get
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.core.web import paginate, staff_scope
from fupin.registry.file_sections import file_sections
from fupin.registry.forms import (
    CancelForm,
    ClearForm,
    ExitStartForm,
    HardshipForm,
    HouseholdEditForm,
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
from fupin.registry.services.lifecycle import EXIT_FROM, exit_failures
from fupin.registry.services.monitoring import OPEN_STATUSES, TYPES_BY_STATUS
from fupin.registry.views.edits import default_income_form, may_edit


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
            "can_register": may_record(scope, Level.VILLAGE),
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
    incomes = income_by_year(household)
    year = timezone.localdate().year
    editable = may_edit(scope)
    context = {
        "household": household,
        "members": list(household.members.all()),
        "show_full_id": scope.can_see_full_id_numbers,
        "incomes": incomes,
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
        # The edit forms, for those the editing services let write.
        "can_edit": editable,
        "edit_form": (
            HouseholdEditForm.for_household(household, reveal_phone=scope.can_see_full_id_numbers)
            if editable
            else None
        ),
        "income_form": default_income_form(request, incomes) if editable else None,
        "income_year_asked": "income_year" in request.GET,
    }
    return render(request, "registry/household_detail.html", context)


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
