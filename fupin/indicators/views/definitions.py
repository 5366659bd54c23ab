"""The county office's page for indicator definitions: new indicators, data sets and the rules
between indicators of a data set, the list of those defined, and the page that edits one of them or
retires (停用) / reinstates it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, put_refusal_on_form, staff_scope
from fupin.indicators.forms import (
    DataSetEditForm,
    DataSetForm,
    IndicatorEditForm,
    IndicatorForm,
    RuleEditForm,
    RuleForm,
)
from fupin.indicators.models import DataSet, Indicator, ValidationRule
from fupin.indicators.services import definitions as d
from fupin.indicators.services.definitions import data_set_create, indicator_create, may_define, rule_create

FORMS = {"indicator": IndicatorForm, "data_set": DataSetForm, "rule": RuleForm}
DONE = {"indicator": "已新增指标", "data_set": "已新增报表", "rule": "已新增校验规则"}


def _create(which: str, form: Any, actor: Actor, scope: Scope) -> None:
    data = dict(form.cleaned_data)
    if which == "indicator":
        indicator_create(actor=actor, scope=scope, **data)
    elif which == "data_set":
        data_set_create(actor=actor, scope=scope, **data)
    else:
        rule_create(actor=actor, scope=scope, **data)


@login_required
@require_http_methods(["GET", "POST"])
def definitions_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    if not may_define(scope):
        raise PermissionDenied("只有县扶贫办可以维护指标和报表")
    forms: dict[str, Any] = {name: cls(prefix=name) for name, cls in FORMS.items()}
    which = request.POST.get("which", "")
    if request.method == "POST" and which in FORMS:
        form = FORMS[which](request.POST, prefix=which)
        forms[which] = form
        if form.is_valid():
            try:
                _create(which, form, Actor.of(request.user), scope)
            except ApplicationError as error:
                put_refusal_on_form(form, error)
            else:
                messages.success(request, DONE[which])
                return redirect("indicators:definitions")
    context = {
        "forms": forms,
        "indicators": Indicator.objects.order_by("-active", "order", "code"),
        "data_sets": DataSet.objects.order_by("-active", "code"),
        "rules": ValidationRule.objects.select_related("data_set", "left", "right").order_by(
            "-active", "data_set__code", "id"
        ),
    }
    return render(request, "indicators/definitions.html", context, status=400 if which else 200)


MODELS: dict[str, type[Indicator] | type[DataSet] | type[ValidationRule]] = {
    "indicator": Indicator,
    "data_set": DataSet,
    "rule": ValidationRule,
}
TITLES = {"indicator": "指标", "data_set": "报表", "rule": "校验规则"}


def _definer(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not may_define(scope):
        raise PermissionDenied("只有县扶贫办可以维护指标和报表")
    return scope


def _edit_form(which: str, item: Any, data: Any = None) -> Any:
    if which == "indicator":
        initial = {name: getattr(item, name) for name in d.INDICATOR_FIELDS} | {"version": item.version}
        return IndicatorEditForm(data, initial=initial)
    if which == "data_set":
        initial = {
            "name": item.name,
            "period_type": item.period_type,
            "level": item.level,
            "indicators": list(item.indicators.all()),
            "version": item.version,
        }
        return DataSetEditForm(data, initial=initial)
    initial = {"left": item.left, "operator": item.operator, "right": item.right, "version": item.version}
    return RuleEditForm(data, initial=initial, data_set=item.data_set)


def _update(which: str, item: Any, form: Any, actor: Actor, scope: Scope) -> None:
    data = dict(form.cleaned_data)
    version = data.pop("version")
    common: dict[str, Any] = {"actor": actor, "scope": scope, "expected_version": version}
    if which == "indicator":
        d.indicator_update(indicator=item, **common, **data)
    elif which == "data_set":
        d.data_set_update(data_set=item, description=item.description, **common, **data)
    else:
        d.rule_update(rule=item, **common, **data)


@login_required
@require_http_methods(["GET", "POST"])
def definition_edit(request: HttpRequest, which: str, pk: int) -> HttpResponse:
    scope = _definer(request)
    if which not in MODELS:
        raise Http404("没有这种定义")
    item = get_object_or_404(MODELS[which], pk=pk)
    form = _edit_form(which, item, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _update(which, item, form, Actor.of(request.user), scope)
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, f"已保存{TITLES[which]}的修改")
            return redirect("indicators:definitions")
    context = {"which": which, "title": TITLES[which], "item": item, "form": form}
    return render(
        request, "indicators/definition_edit.html", context, status=400 if request.method == "POST" else 200
    )


ACTIVATE = {
    "indicator": lambda item, **kw: d.indicator_set_active(indicator=item, **kw),
    "data_set": lambda item, **kw: d.data_set_set_active(data_set=item, **kw),
    "rule": lambda item, **kw: d.rule_set_active(rule=item, **kw),
}


@login_required
@require_POST
def definition_active(request: HttpRequest, which: str, pk: int) -> HttpResponse:
    """Retire (停用) or reinstate an indicator, a data set or a rule."""
    scope = _definer(request)
    if which not in MODELS:
        raise Http404("没有这种定义")
    item = get_object_or_404(MODELS[which], pk=pk)
    active = request.POST.get("active") == "1"
    try:
        ACTIVATE[which](
            item,
            actor=Actor.of(request.user),
            scope=scope,
            expected_version=int_or_none(request.POST.get("version")) or 0,
            active=active,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        done = "已启用" if active else "已停用，不再填报；已填数据仍保留在报表中"
        messages.success(request, f"{TITLES[which]}“{item}”{done}")
    return redirect("indicators:definitions")


urlpatterns: list[URLPattern] = [
    path("indicators/definitions/", definitions_view, name="definitions"),
    path("indicators/definitions/<str:which>/<int:pk>/", definition_edit, name="definition-edit"),
    path("indicators/definitions/<str:which>/<int:pk>/active/", definition_active, name="definition-active"),
]
