"""The edit forms of the household file: the household itself, a member, a year's income.

Each page is offered only to those the service lets write (a village-level recorder with the
household in view); the service checks again when the form is posted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, staff_scope
from fupin.registry.forms import HouseholdEditForm, IncomeForm, MemberEditForm
from fupin.registry.models import Household, IncomeItem
from fupin.registry.procedures import Level, may_record
from fupin.registry.selectors import YearIncome, household_get, member_list
from fupin.registry.services.editing import household_update, member_update
from fupin.registry.services.lifecycle import LEVEL_NAMES


def may_edit(scope: Scope) -> bool:
    """Whether the file's edit forms are offered: the services' check_may_act at village level (the
    household being in view is given, since the file was found through the scope)."""
    return may_record(scope, Level.VILLAGE)


def _editable_household(request: HttpRequest, code: str) -> tuple[Scope, Household]:
    scope = staff_scope(request)
    household = household_get(scope, code)
    if household is None:
        raise Http404
    if not may_edit(scope):
        raise PermissionDenied(f"修改户信息须由{LEVEL_NAMES[Level.VILLAGE]}办理")
    return scope, household


def saved(request: HttpRequest, form: forms.Form, write: Callable[[], object]) -> bool:
    """Run the service write; its refusals become the form's field errors and a message (a stale
    version among them: the user's input is kept and nothing is saved)."""
    try:
        write()
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        for field, message in error.field_errors.items():
            form.add_error(field if field in form.fields else None, message)
        messages.error(request, f"未保存：{error.message}")
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, code: str) -> HttpResponse:
    scope, household = _editable_household(request, code)
    reveal = scope.can_see_full_id_numbers
    form = HouseholdEditForm.for_household(household, reveal_phone=reveal)
    if request.method == "POST":
        form = HouseholdEditForm(request.POST, reveal_phone=reveal, current_phone=household.masked_phone)
        if form.is_valid() and saved(
            request,
            form,
            lambda: household_update(
                actor=Actor.of(request.user),
                scope=scope,
                household=household,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        ):
            messages.success(request, "户信息已保存。")
            return redirect(reverse("registry:household-detail", args=[code]) + "#basic")
    return render(request, "registry/household_edit.html", {"household": household, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    scope, household = _editable_household(request, code)
    member = member_list(scope, household).filter(pk=member_id).first()
    if member is None:
        raise Http404
    member.household = household
    form = MemberEditForm.for_member(member)
    if request.method == "POST":
        form = MemberEditForm(request.POST)
        if form.is_valid() and saved(
            request,
            form,
            lambda: member_update(
                actor=Actor.of(request.user),
                scope=scope,
                member=member,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        ):
            messages.success(request, f"已保存成员“{form.cleaned_data['name']}”。")
            return redirect(reverse("registry:household-detail", args=[code]) + "#members")
    return render(
        request,
        "registry/member_edit.html",
        {
            "household": household,
            "member": member,
            "form": form,
            "show_full_id": scope.can_see_full_id_numbers,
        },
    )


def income_form_for(year: int, items: list[IncomeItem]) -> IncomeForm:
    return IncomeForm(initial=IncomeForm.initial_for(year, items))


def default_income_form(request: HttpRequest, incomes: list[YearIncome]) -> IncomeForm:
    """The file's income form, filled with the year asked for (?income_year=) or else the latest year
    with line items, so that saving keeps what is not changed (amounts and notes)."""
    year = int_or_none(request.GET.get("income_year"))
    if year is None:
        year = incomes[0].year if incomes else timezone.localdate().year - 1
    items = next((y.items for y in incomes if y.year == year), [])
    return income_form_for(year, items)


@login_required
@require_GET
def income_form_partial(request: HttpRequest, code: str) -> HttpResponse:
    """The income form for another year (htmx, when the year is changed): filled with that year's
    line items."""
    _, household = _editable_household(request, code)
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year - 1
    items = list(IncomeItem.objects.filter(household=household, year=year))
    context: dict[str, Any] = {"household": household, "income_form": income_form_for(year, items)}
    return render(request, "registry/_income_form.html", context)
