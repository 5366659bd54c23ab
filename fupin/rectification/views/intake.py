"""Pages of rectification: intake by staff — record a talk, symposium, suggestion-box opening or
batch of feedback forms with the problems it raised; the list of sessions with their problems; and
the list of what came in through the open doors (the villagers' public form and the apps)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import paginate, staff_scope
from fupin.rectification.forms_intake import IntakeSessionForm, ProblemDraftFormSet
from fupin.rectification.models import Channel, Intake
from fupin.rectification.selectors.intake import (
    INCOMING_INTAKES,
    filing_areas,
    filing_categories,
    incoming_problem_list,
    intake_session_list,
    session_host,
)
from fupin.rectification.services.intake import (
    SESSION_CHANNELS,
    ProblemDraft,
    categories_for_filing,
    intake_session_record,
    may_record_intake,
)
from fupin.registry.selectors import household_get

NOT_RECORDER = "只有县扶贫办和乡镇干部可以登记检视活动"
NOT_VIEWER = "只有县、乡镇的账号可以查看检视活动和群众反映"
SESSION_FIELDS = {"channel", "held_on", "area", "title", "participants", "participant_count", "notes"}
PROBLEM_FIELDS = {"description", "category", "area", "household_code", "origin", "fix_at_once"}
SESSIONS_PER_PAGE = 20


def _viewing_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not (scope.is_area_wide or scope.is_everything):
        raise PermissionDenied(NOT_VIEWER)
    return scope


def _recording_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not may_record_intake(scope):
        raise PermissionDenied(NOT_RECORDER)
    return scope


@login_required
@require_GET
def intake_list_view(request: HttpRequest) -> HttpResponse:
    scope = _viewing_scope(request)
    channel = request.GET.get("channel", "")
    sessions = intake_session_list(scope, channel=channel if channel in SESSION_CHANNELS else "")
    page, query = paginate(request, sessions, per_page=SESSIONS_PER_PAGE)
    return render(
        request,
        "rectification/intake_list.html",
        {
            "page_obj": page,
            "query": query,
            "channels": [(c.value, c.label) for c in SESSION_CHANNELS],
            "channel": channel,
            "can_record": may_record_intake(scope),
        },
    )


@login_required
@require_GET
def intake_incoming_view(request: HttpRequest) -> HttpResponse:
    scope = _viewing_scope(request)
    intake = request.GET.get("intake", "")
    problems = incoming_problem_list(scope, intake=intake)
    page, query = paginate(request, problems)
    return render(
        request,
        "rectification/intake_incoming.html",
        {
            "page_obj": page,
            "query": query,
            "intakes": [(i.value, i.label) for i in INCOMING_INTAKES],
            "intake": intake if intake in INCOMING_INTAKES else "",
            "public_form": Intake.PUBLIC_FORM,
        },
    )


def _ensure_categories(scope: Scope) -> None:
    """A county that has never set categories gets the default list before its first filing."""
    if scope.root_area_code:
        categories_for_filing(areacode.county_code_of(scope.root_area_code))


def _drafts(scope: Scope, formset: Any) -> tuple[list[ProblemDraft], list[Form]]:
    """The problems to file and the form of each; removed and untouched rows are left out. A row
    whose household is not found gets the error on its form and is counted among the forms."""
    drafts: list[ProblemDraft] = []
    forms: list[Form] = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        forms.append(form)
        household = None
        code = data["household_code"].strip()
        if code:
            household = household_get(scope, code)
            if household is None:
                form.add_error("household_code", "户编号不存在或不在您的管辖范围内")
                continue
        drafts.append(
            ProblemDraft(
                description=data["description"],
                category=data["category"],
                origin=data["origin"],
                area=data["area"],
                household=household,
                fix_at_once=data["fix_at_once"],
            )
        )
    return drafts, forms


def _place_errors(error: ApplicationError, form: Form, problem_forms: list[Form]) -> None:
    """A service refusal on the form field it concerns: "2.category" is row 2's category."""
    placed = False
    for key, reason in error.field_errors.items():
        index, dot, name = key.partition(".")
        if dot and index.isdigit() and int(index) < len(problem_forms):
            target = problem_forms[int(index)]
            target.add_error(name if name in PROBLEM_FIELDS else None, reason)
            placed = True
        elif key in SESSION_FIELDS:
            form.add_error(key, reason)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def intake_create_view(request: HttpRequest) -> HttpResponse:
    scope = _recording_scope(request)
    _ensure_categories(scope)
    areas = filing_areas(scope)
    categories = filing_categories(scope)
    initial: dict[str, Any] = {"held_on": timezone.localdate(), "channel": Channel.SYMPOSIUM}
    if scope.root_area_code:
        initial["area"] = scope.root_area_code
    data = request.POST if request.method == "POST" else None
    form = IntakeSessionForm(data, areas=areas, initial=initial)
    formset = ProblemDraftFormSet(
        data, prefix="problems", form_kwargs={"categories": categories, "areas": areas, "choices": {}}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        drafts, problem_forms = _drafts(scope, formset)
        session_data = form.cleaned_data
        host = None
        host_code = session_data["host_code"].strip()
        if host_code:
            host = session_host(host_code)
            if host is None:
                form.add_error("host_code", "干部编号不存在")
        # Removed rows may carry errors of their own; only the rows being filed count.
        if not any(f.errors for f in [form, *problem_forms]):
            try:
                session = intake_session_record(
                    actor=Actor.of(request.user),
                    scope=scope,
                    channel=session_data["channel"],
                    held_on=session_data["held_on"],
                    area=session_data["area"],
                    title=session_data["title"],
                    host=host,
                    participants=session_data["participants"],
                    participant_count=session_data["participant_count"],
                    notes=session_data["notes"],
                    problems=drafts,
                )
            except ApplicationError as error:
                _place_errors(error, form, problem_forms)
            else:
                messages.success(request, f"已登记“{session.title}”，共{len(drafts)}条问题。")
                return redirect("rectification:intake-list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "rectification/intake_form.html", {"form": form, "formset": formset}, status=status
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("rectification/intake/", intake_list_view, name="intake-list"),
    path("rectification/intake/new/", intake_create_view, name="intake-create"),
    path("rectification/intake/incoming/", intake_incoming_view, name="intake-incoming"),
]
