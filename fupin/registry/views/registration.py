"""Registering a new household (农户申请) with its family, for village-level recorders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.models import AreaLevel
from fupin.areas.selectors import area_get, area_list
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.scope import Scope
from fupin.core.web import staff_scope
from fupin.registry.forms import NewMemberForm, RegistrationForm
from fupin.registry.models import Household
from fupin.registry.procedures import Level, may_record
from fupin.registry.services.editing import household_register_with_members
from fupin.registry.services.lifecycle import LEVEL_NAMES

# Blank family rows a fresh page offers; "添加成员" appends more.
BLANK_ROWS = 3
# Service field names that the form calls otherwise.
FORM_FIELD = {"on": "applied_on"}


def _recorder_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not may_record(scope, Level.VILLAGE):
        raise PermissionDenied(f"新户登记须由{LEVEL_NAMES[Level.VILLAGE]}办理")
    return scope


def village_choices(scope: Scope) -> list[tuple[str, str]]:
    """The villages inside the scope, "town village", for the picker."""
    villages = area_list(scope).filter(level=AreaLevel.VILLAGE).select_related("parent").order_by("code")
    return [(v.code, f"{v.parent.name} {v.name}" if v.parent else v.name) for v in villages]


def _register(
    request: HttpRequest, scope: Scope, form: RegistrationForm, rows: list[NewMemberForm]
) -> Household | None:
    data = form.cleaned_data
    village = area_get(scope, data["village"])
    if village is None:
        form.add_error("village", "该村不在您的管辖范围内")
        return None
    try:
        return household_register_with_members(
            actor=Actor.of(request.user),
            scope=scope,
            village=village,
            code=data["code"].strip(),
            head_name=data["head_name"].strip(),
            head_id_number=data["head_id_number"].strip(),
            members=[row.new_member() for row in rows],
            identification_standard=data["identification_standard"],
            category=data["category"],
            main_cause=data["main_cause"],
            other_causes=data["other_causes"],
            phone=data["phone"].strip(),
            applied_on=data["applied_on"],
        )
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        _show_errors(form, rows, error)
        return None


def _show_errors(form: RegistrationForm, rows: list[NewMemberForm], error: ApplicationError) -> None:
    """Each service error at its field: the household's on the form, a member's on its row."""
    for key, message in error.field_errors.items():
        if key.startswith("members-"):
            _, index, field = key.split("-", 2)
            rows[int(index)].add_error(field, message)
            continue
        field = FORM_FIELD.get(key, key)
        form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest) -> HttpResponse:
    scope = _recorder_scope(request)
    villages = village_choices(scope)
    initial = {"applied_on": timezone.localdate(), "village": villages[0][0] if len(villages) == 1 else ""}
    form = RegistrationForm(initial=initial, villages=villages)
    rows = [NewMemberForm() for _ in range(BLANK_ROWS)]
    if request.method == "POST":
        form = RegistrationForm(request.POST, villages=villages)
        rows = NewMemberForm.rows_from(request.POST)
        # Every row is validated (not stopping at the first bad one) so all errors show at once.
        rows_valid = all([row.is_valid() for row in rows])
        if form.is_valid() and rows_valid:
            household = _register(request, scope, form, rows)
            if household is not None:
                messages.success(
                    request,
                    f"已登记{household.head_name}户（{household.size}人），贫困户识别程序已启动（农户申请）。",
                )
                return redirect("registry:household-detail", code=household.code)
        messages.error(request, "未保存，请按提示修改。")
        rows.append(NewMemberForm())
    return render(request, "registry/household_new.html", {"form": form, "rows": rows})


@login_required
@require_GET
def member_row_partial(request: HttpRequest) -> HttpResponse:
    """One more blank family row (htmx)."""
    _recorder_scope(request)
    return render(request, "registry/_member_row.html", {"row": NewMemberForm()})
