"""Unit and cadre pages. Thin: scope, one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.selectors import change_history
from fupin.core.web import paginate, put_refusal_on_form, staff_scope
from fupin.people.forms import AccountForm, CadreForm, OwnPhoneForm
from fupin.people.models import Cadre, CadreCategory, UnitKind
from fupin.people.selectors import account_list, cadre_get, cadre_list, unit_get, unit_list
from fupin.people.services import (
    CADRE_EDITABLE,
    SELF_EDITABLE,
    account_create,
    cadre_update,
    can_edit_cadre,
)


@login_required
@require_GET
def unit_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    units = unit_list(scope, search=request.GET.get("q", "").strip(), kind=request.GET.get("kind", ""))
    area_code = request.GET.get("area", "")
    area = area_get(scope, area_code) if area_code else None
    if area is not None:
        units = units.filter(area__code__startswith=area.prefix)
    page, query = paginate(request, units.annotate(cadre_count=Count("cadres")).order_by("code"))
    return render(
        request,
        "people/unit_list.html",
        {"page_obj": page, "query": query, "kinds": UnitKind.choices, "area": area},
    )


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    unit = unit_get(scope, code)
    if unit is None:
        raise Http404
    cadres = cadre_list(scope, unit_code=unit.code).order_by("code")
    page, query = paginate(request, cadres)
    return render(
        request,
        "people/unit_detail.html",
        {
            "unit": unit,
            "children": unit_list(scope).filter(parent=unit).order_by("code"),
            "page_obj": page,
            "query": query,
            "show_full_id": scope.can_see_full_id_numbers,
            "history": change_history(unit)[:50],
        },
    )


@login_required
@require_GET
def cadre_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    area_code = request.GET.get("area", "")
    cadres = cadre_list(
        scope,
        search=request.GET.get("q", "").strip(),
        unit_code=request.GET.get("unit", "").strip(),
        category=request.GET.get("category", ""),
        area_code=area_code if area_get(scope, area_code) else "",
    ).order_by("code")
    page, query = paginate(request, cadres)
    return render(
        request,
        "people/cadre_list.html",
        {
            "page_obj": page,
            "query": query,
            "categories": CadreCategory.choices,
            "show_full_id": scope.can_see_full_id_numbers,
        },
    )


def _reveals_phone(scope: Scope, cadre: Cadre) -> bool:
    return scope.can_see_full_id_numbers or scope.cadre_id == cadre.pk


def _edit_form(scope: Scope, cadre: Cadre, data: Any = None) -> CadreForm | OwnPhoneForm | None:
    if can_edit_cadre(scope, cadre, set(CADRE_EDITABLE)):
        reveal = _reveals_phone(scope, cadre)
        if data is not None:
            return CadreForm(data, reveal_phone=reveal, current_phone=cadre.masked_phone)
        return CadreForm.for_cadre(cadre, reveal_phone=reveal)
    if can_edit_cadre(scope, cadre, set(SELF_EDITABLE)):
        initial = {"phone": cadre.phone, "version": cadre.version}
        return OwnPhoneForm(data) if data is not None else OwnPhoneForm(initial=initial)
    return None


def _save_cadre(request: HttpRequest, scope: Scope, cadre: Cadre, form: CadreForm | OwnPhoneForm) -> bool:
    changes = dict(form.cleaned_data)
    version = changes.pop("version")
    if isinstance(form, CadreForm) and not form.reveal_phone and not changes["phone"]:
        del changes["phone"]
    if "unit_code" in changes:
        unit = unit_get(scope, changes.pop("unit_code").strip())
        if unit is None:
            form.add_error("unit_code", "单位编码不存在或不在您的管辖范围内")
            return False
        changes["unit"] = unit
    try:
        cadre_update(
            actor=Actor.of(request.user), scope=scope, cadre=cadre, expected_version=version, **changes
        )
    except ApplicationError as error:
        for field, message in error.field_errors.items():
            if field in form.fields:
                form.add_error(field, message)
        messages.error(request, error.message)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def cadre_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    cadre = cadre_get(scope, code)
    if cadre is None:
        raise Http404
    form = _edit_form(scope, cadre)
    if request.method == "POST":
        form = _edit_form(scope, cadre, request.POST)
        if form is None:
            raise PermissionDenied("您无权修改该干部的信息")
        if form.is_valid() and _save_cadre(request, scope, cadre, form):
            messages.success(request, "已保存。")
            return redirect("people:cadre-detail", code=cadre.code)
    show_full_id = _reveals_phone(scope, cadre)
    return render(
        request,
        "people/cadre_detail.html",
        {
            "cadre": cadre,
            "form": form,
            "show_full_id": show_full_id,
            "history": change_history(cadre)[:50],
        },
    )


def _account_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not scope.can_manage_accounts:
        raise PermissionDenied("只有县级管理员可以管理账号")
    return scope


def _create_account(request: HttpRequest, scope: Scope, form: AccountForm) -> bool:
    data = form.cleaned_data
    area = area_get(scope, data["area_code"].strip())
    unit = unit_get(scope, data["unit_code"].strip()) if data["unit_code"].strip() else None
    cadre = cadre_get(scope, data["cadre_code"].strip()) if data["cadre_code"].strip() else None
    for field, missing in (
        ("area_code", area is None),
        ("unit_code", data["unit_code"].strip() and unit is None),
        ("cadre_code", data["cadre_code"].strip() and cadre is None),
    ):
        if missing:
            form.add_error(field, "不存在或不在您的管辖范围内")
    if form.errors:
        return False
    try:
        account_create(
            actor=Actor.of(request.user),
            scope=scope,
            username=data["username"].strip(),
            password=data["password"],
            role=data["role"],
            area=area,
            unit=unit or (cadre.unit if cadre else None),
            cadre=cadre,
        )
    except ApplicationError as error:
        put_refusal_on_form(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def account_list_view(request: HttpRequest) -> HttpResponse:
    scope = _account_scope(request)
    form = AccountForm(initial={"area_code": scope.root_area_code or ""})
    if request.method == "POST":
        form = AccountForm(request.POST)
        if form.is_valid() and _create_account(request, scope, form):
            messages.success(request, f"账号 {form.cleaned_data['username']} 已开通。")
            return redirect("people:account-list")
    page, query = paginate(request, account_list(scope))
    return render(request, "people/account_list.html", {"page_obj": page, "query": query, "form": form})
