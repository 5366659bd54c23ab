"""Create and edit pages of the county's programmes — trainings with their trainees, public-welfare
posts with their holders, community factories with their workers — for the county office and the
towns, each in their area. Every write is the ledger's write of one row (services/programmes.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, staff_scope
from fupin.employment.forms import (
    FactoryForm,
    FactoryWorkerForm,
    ProgrammeForm,
    TraineeForm,
    TrainingForm,
    WelfarePostForm,
)
from fupin.employment.models import Laborer
from fupin.employment.selectors.laborers import laborer_list
from fupin.employment.selectors.programmes import (
    factory_list,
    factory_worker_list,
    trainee_list,
    training_list,
    welfare_post_list,
)
from fupin.employment.services import programmes as services
from fupin.employment.services.common import PROGRAMME_ROLES, may_run_programmes
from fupin.employment.views.common import saved

NOT_IN_AREA = "区划代码不存在或不在您的管辖范围内"
NO_LABORER = "未找到该身份证号的劳动力（须是您管辖范围内登记的劳动力）"


@dataclass(frozen=True)
class Kind:
    """One kind of programme record as its pages need it."""

    name: str  # URL name stem
    title: str
    form: type[ProgrammeForm]
    visible: Callable[[Scope], QuerySet[Any]]
    create: Callable[..., Any]
    update: Callable[..., Any]
    instance_kw: str
    areas: tuple[str, ...]
    list_url: str
    holder: bool = False


KINDS = {
    "training": Kind(
        "training",
        "技能培训",
        TrainingForm,
        training_list,
        services.training_create,
        services.training_update,
        "training",
        ("area",),
        "employment:training-list",
    ),
    "welfare-post": Kind(
        "welfare-post",
        "公益岗位",
        WelfarePostForm,
        welfare_post_list,
        services.welfare_post_create,
        services.welfare_post_update,
        "post",
        ("village",),
        "employment:welfare-post-list",
        holder=True,
    ),
    "factory": Kind(
        "factory",
        "社区工厂",
        FactoryForm,
        factory_list,
        services.factory_create,
        services.factory_update,
        "factory",
        ("area",),
        "employment:factory-list",
    ),
}


def _laborer(scope: Scope, id_number: str) -> Laborer | None:
    number = id_number.strip().upper()
    return laborer_list(scope).filter(id_number=number).first() if number else None


def _values(scope: Scope, kind: Kind, form: forms.Form) -> dict[str, Any] | None:
    """The form's values as the service takes them (areas and the holder looked up within the
    user's area), or None with the errors on the form."""
    values = dict(form.cleaned_data)
    values.pop("version", None)
    values.pop("code", None)
    for field in kind.areas:
        values[field] = area_get(scope, values[field].strip())
        if values[field] is None:
            form.add_error(field, NOT_IN_AREA)
    if kind.holder:
        number = values["holder"]
        values["holder"] = _laborer(scope, number)
        if number.strip() and values["holder"] is None:
            form.add_error("holder", NO_LABORER)
    return None if form.errors else values


def _initial(kind: Kind, instance: Any) -> dict[str, Any]:
    initial = {name: getattr(instance, name, None) for name in kind.form.base_fields}
    for field in kind.areas:
        initial[field] = getattr(instance, field).code
    if kind.holder:
        initial["holder"] = instance.holder.id_number if instance.holder else ""
    return initial | {"version": instance.version}


def _create(kind: Kind) -> Callable[[HttpRequest], HttpResponse]:
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest) -> HttpResponse:
        scope = staff_scope(request)
        if scope.role not in PROGRAMME_ROLES:
            raise PermissionDenied(f"您无权设立{kind.title}")
        initial = {field: scope.root_area_code for field in kind.areas}
        form = kind.form(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            values = _values(scope, kind, form)
            if values is not None:
                code = form.cleaned_data["code"]
                done = saved(
                    request,
                    form,
                    lambda: kind.create(actor=Actor.of(request.user), scope=scope, code=code, **values),
                )
                if done is not None:
                    messages.success(request, f"已保存{kind.title}")
                    return redirect(f"employment:{kind.name}-edit", pk=done.pk)
        return render(request, "employment/programme_form.html", {"form": form, "kind": kind})

    return view


def _editable(request: HttpRequest, kind: Kind, pk: int) -> tuple[Scope, Any]:
    scope = staff_scope(request)
    instance = kind.visible(scope).filter(pk=pk).first()
    if instance is None:
        raise Http404
    if not may_run_programmes(scope, instance.area_code):
        raise PermissionDenied(f"您无权修改该{kind.title}")
    return scope, instance


def _members(scope: Scope, kind: Kind, instance: Any) -> list[Any]:
    if kind.name == "training":
        return list(trainee_list(scope).filter(training=instance))
    if kind.name == "factory":
        return list(factory_worker_list(scope).filter(factory=instance))
    return []


def _member_form(kind: Kind, data: Any = None) -> forms.Form | None:
    if kind.name == "training":
        return TraineeForm(data)
    if kind.name == "factory":
        return FactoryWorkerForm(data)
    return None


def _page(
    request: HttpRequest,
    scope: Scope,
    kind: Kind,
    instance: Any,
    form: forms.Form,
    member_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "employment/programme_form.html",
        {
            "form": form,
            "kind": kind,
            "instance": instance,
            "members": [
                (m, reverse(f"employment:{kind.name}-member-remove", args=[instance.pk, m.pk]))
                for m in _members(scope, kind, instance)
            ],
            "member_form": member_form or _member_form(kind),
            "member_url": (
                reverse(f"employment:{kind.name}-member-add", args=[instance.pk])
                if kind.name != "welfare-post"
                else ""
            ),
        },
        status=status,
    )


def _edit(kind: Kind) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        scope, instance = _editable(request, kind, pk)
        form = kind.form(request.POST or None, initial=_initial(kind, instance), editing=True)
        if request.method == "POST" and form.is_valid():
            version = form.cleaned_data["version"]
            values = _values(scope, kind, form)
            if values is not None:
                done = saved(
                    request,
                    form,
                    lambda: kind.update(
                        actor=Actor.of(request.user),
                        scope=scope,
                        expected_version=version,
                        **{kind.instance_kw: instance},
                        **values,
                    ),
                )
                if done is not None:
                    messages.success(request, f"已保存{kind.title}")
                    return redirect(f"employment:{kind.name}-edit", pk=instance.pk)
        return _page(request, scope, kind, instance, form)

    return view


def _member_add(kind: Kind) -> Callable[[HttpRequest, int], HttpResponse]:
    """Add a trainee or a worker, or correct one (the same laborer again: certified, end date, wage)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        scope, instance = _editable(request, kind, pk)
        form = _member_form(kind, request.POST)
        assert form is not None
        if form.is_valid():
            laborer = _laborer(scope, form.cleaned_data["laborer"])
            if laborer is None:
                form.add_error("laborer", NO_LABORER)
            else:
                row = dict(form.cleaned_data) | {"laborer": laborer, kind.instance_kw: instance}
                upsert = (
                    services.trainees_upsert if kind.name == "training" else services.factory_workers_upsert
                )
                done = saved(
                    request, form, lambda: upsert(actor=Actor.of(request.user), scope=scope, rows=[row])
                )
                if done is not None:
                    messages.success(request, f"已保存 {laborer.name}")
                    return redirect(f"employment:{kind.name}-edit", pk=instance.pk)
        main = kind.form(initial=_initial(kind, instance), editing=True)
        return _page(request, scope, kind, instance, main, member_form=form, status=400)

    return view


def _member_remove(kind: Kind) -> Callable[[HttpRequest, int, int], HttpResponse]:
    """Remove a trainee or a worker recorded by mistake."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
        scope, instance = _editable(request, kind, pk)
        member = next((m for m in _members(scope, kind, instance) if m.pk == member_pk), None)
        version = int_or_none(request.POST.get("version"))
        if member is None or version is None:
            raise Http404
        done = saved(
            request,
            None,
            lambda: services.programme_member_remove(
                actor=Actor.of(request.user), scope=scope, member=member, expected_version=version
            ),
        )
        if done is not None:
            messages.success(request, f"已删除 {member.laborer.name}")
        return redirect(f"employment:{kind.name}-edit", pk=instance.pk)

    return view


def _patterns() -> list[URLPattern]:
    patterns = []
    for stem, kind in KINDS.items():
        base = {"training": "trainings", "welfare-post": "welfare-jobs", "factory": "factories"}[stem]
        patterns += [
            path(f"employment/{base}/new/", _create(kind), name=f"{stem}-create"),
            path(f"employment/{base}/<int:pk>/edit/", _edit(kind), name=f"{stem}-edit"),
        ]
        if stem != "welfare-post":
            patterns += [
                path(f"employment/{base}/<int:pk>/members/", _member_add(kind), name=f"{stem}-member-add"),
                path(
                    f"employment/{base}/<int:pk>/members/<int:member_pk>/remove/",
                    _member_remove(kind),
                    name=f"{stem}-member-remove",
                ),
            ]
    return patterns


urlpatterns: list[URLPattern] = _patterns()
