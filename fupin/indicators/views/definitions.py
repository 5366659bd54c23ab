"""The county office's page for indicator definitions: new indicators, data sets and the rules
between indicators of a data set."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import put_refusal_on_form, staff_scope
from fupin.indicators.forms import DataSetForm, IndicatorForm, RuleForm
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
    return render(request, "indicators/definitions.html", {"forms": forms}, status=400 if which else 200)


urlpatterns: list[URLPattern] = [path("indicators/definitions/", definitions_view, name="definitions")]
