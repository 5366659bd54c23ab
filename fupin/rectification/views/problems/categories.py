"""The county's problem categories: add, rename, reorder, deactivate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, staff_scope
from fupin.rectification.forms import (
    CategoryForm,
    CategoryRenameForm,
)
from fupin.rectification.selectors.problems import (
    categories_of,
)
from fupin.rectification.services.editing import (
    category_create,
    category_delete,
    category_move,
    category_update,
    category_usage,
    may_manage_categories,
)
from fupin.rectification.views.problems.common import (
    county_of_scope,
    refusal_status,
)


# -- categories ----------------------------------------------------------------------------------
def _category_county(request: HttpRequest) -> tuple[Scope, Area]:
    scope = staff_scope(request)
    county = county_of_scope(request, scope)
    if county is None or not may_manage_categories(scope, county):
        raise PermissionDenied("只有县级管理员和扶贫办可以设置问题类别")
    return scope, county


def _category_op(request: HttpRequest, scope: Scope, county: Area) -> tuple[str, forms.Form | None]:
    """Run the posted operation; the success message, or raise the service's refusal."""
    actor = Actor.of(request.user)
    op = request.POST.get("op", "")
    if op == "add":
        form: forms.Form = CategoryForm(request.POST)
        if not form.is_valid():
            raise ApplicationError("请填写类别名称")
        created = category_create(actor=actor, scope=scope, county=county, name=form.cleaned_data["name"])
        return f"已添加类别“{created.name}”。", form
    category = categories_of(county.code).filter(pk=int_or_none(request.POST.get("category")) or 0).first()
    if category is None:
        raise Http404
    version = int_or_none(request.POST.get("version"))
    if op == "rename":
        form = CategoryRenameForm(request.POST)
        if not form.is_valid():
            raise ApplicationError("请填写类别名称")
        old = category.name
        category_update(
            actor=actor,
            scope=scope,
            category=category,
            expected_version=version,
            name=form.cleaned_data["name"],
        )
        return f"已将“{old}”改名为“{form.cleaned_data['name'].strip()}”。", form
    if op in ("deactivate", "activate"):
        active = op == "activate"
        category_update(actor=actor, scope=scope, category=category, expected_version=version, active=active)
        return f"已{'启用' if active else '停用'}类别“{category.name}”。", None
    if op in ("up", "down"):
        category_move(actor=actor, scope=scope, category=category, up=op == "up")
        return f"已调整“{category.name}”的顺序。", None
    if op == "delete":
        category_delete(actor=actor, scope=scope, category=category)
        return f"已删除类别“{category.name}”。", None
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def category_list_view(request: HttpRequest) -> HttpResponse:
    """问题类别: the county's categories, in order, with what uses each."""
    scope, county = _category_county(request)
    status = 200
    if request.method == "POST":
        try:
            message, _ = _category_op(request, scope, county)
        except ApplicationError as error:
            messages.error(request, f"未保存：{error.message}")
            status = refusal_status(error)
        else:
            messages.success(request, message)
            query = f"?county={county.code}" if not scope.root_area_code else ""
            return redirect(reverse("rectification:categories") + query)
    rows = [{"category": c, "used": category_usage(c)} for c in categories_of(county.code)]
    context = {"county": county, "rows": rows, "form": CategoryForm()}
    return render(request, "rectification/problem_categories.html", context, status=status)
