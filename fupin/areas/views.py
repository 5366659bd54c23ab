"""Area pages: the tree, one area's page, the picker, the county settings. Thin: scope, selector or
service, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.county_settings import DINGTALK_WEBHOOK, QUOTA_RULES, SETTINGS, SettingDefinition
from fupin.areas.forms import (
    AreaForm,
    BaseQuotaRuleFormSet,
    BaseYearlyFormSet,
    MetresSettingForm,
    SettingEditor,
    WebhookSettingForm,
    editor_value,
    masked_webhook,
    quota_rule_text,
    setting_editor,
)
from fupin.areas.models import Area, AreaLevel, CountySetting
from fupin.areas.selectors import area_ancestors, area_children, area_get, area_search
from fupin.areas.services import area_update, county_setting_set
from fupin.celery import app as celery_app
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.core.selectors import change_history, change_history_of_many
from fupin.core.web import staff_scope

# fupin.fieldwork.tasks.REVALIDATE_TASK, named here because areas may not import field work.
REVALIDATE_CHECKINS_TASK = "fupin.fieldwork.revalidate_checkins"


def _with_counts(areas: QuerySet[Area]) -> list[Area]:
    """Each area with how many areas (and poor villages) lie directly below it, in one query."""
    return list(
        areas.annotate(
            child_count=Count("children", distinct=True),
            poor_child_count=Count("children", filter=Q(children__is_poor_village=True), distinct=True),
        ).order_by("code")
    )


@login_required
@require_GET
def area_tree(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    roots = _with_counts(area_children(scope, None))
    return render(request, "areas/tree.html", {"roots": roots, "levels": AreaLevel.choices})


@login_required
@require_GET
def area_children_partial(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    area = area_get(scope, code)
    if area is None:
        raise Http404
    return render(request, "areas/_children.html", {"children": _with_counts(area_children(scope, area))})


@login_required
@require_GET
def area_picker(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    query = request.GET.get("q", "")
    results = area_search(scope, query, level=request.GET.get("level") or None)
    return render(request, "areas/_picker_results.html", {"results": results, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    area = area_get(scope, code)
    if area is None:
        raise Http404
    form = AreaForm.for_area(area)
    if request.method == "POST":
        if not scope.can_manage:
            raise PermissionDenied("您无权修改行政区划")
        form = AreaForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                area_update(
                    actor=Actor.of(request.user),
                    area=area,
                    expected_version=data.pop("version"),
                    **data,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "已保存。")
                return redirect("areas:detail", code=area.code)
    children = _with_counts(area_children(scope, area))
    return render(
        request,
        "areas/detail.html",
        {
            "area": area,
            "ancestors": area_ancestors(area),
            "children": children,
            "form": form,
            "can_edit": scope.can_manage,
            "history": change_history(area)[:50],
        },
    )


# County settings ----------------------------------------------------------------------------------


@dataclass
class SettingCard:
    definition: SettingDefinition
    value: Any
    is_default: bool
    # The form, for county managers; None shows the value read-only.
    editor: SettingEditor | None
    errors: list[str] = field(default_factory=list)

    @property
    def yearly_rows(self) -> list[tuple[str, Any]]:
        if not isinstance(self.value, dict):
            return []
        return sorted(self.value.items(), key=lambda item: int(item[0]))

    @property
    def editor_kind(self) -> str:
        """Which form the template draws: yearly, rules, metres, webhook or integer."""
        if isinstance(self.editor, BaseQuotaRuleFormSet):
            return "rules"
        if isinstance(self.editor, MetresSettingForm):
            return "metres"
        if isinstance(self.editor, WebhookSettingForm):
            return "webhook"
        return "yearly" if isinstance(self.editor, BaseYearlyFormSet) else "integer"

    @property
    def rule_rows(self) -> list[str]:
        if self.definition.name != QUOTA_RULES:
            return []
        return [quota_rule_text(rule) for rule in self.value] or ["未设置考勤规则"]

    @property
    def display(self) -> Any:
        """The value as a reader sees it; the robot's address keeps its access token hidden."""
        if self.definition.name == DINGTALK_WEBHOOK:
            return masked_webhook(self.value)
        return self.value


def _settings_county(request: HttpRequest, scope: Scope) -> Area:
    """The county whose settings the user reads: their own county (any staff role of it, down to a
    village work team); a platform administrator picks one with ?county=."""
    if scope.is_everything:
        code = request.GET.get("county", "").strip()
        county = Area.objects.filter(level=AreaLevel.COUNTY, **({"code": code} if code else {}))
        found = county.order_by("code").first()
    elif scope.root_area_code:
        county_code = areacode.county_code_of(scope.root_area_code)
        found = Area.objects.filter(code=county_code, level=AreaLevel.COUNTY).first()
    else:
        found = None
    if found is None:
        raise Http404
    return found


def _settings_history(county: Area, can_edit: bool) -> list[ChangeLog]:
    settings = CountySetting.objects.filter(county=county).values("pk")
    history = list(change_history_of_many(CountySetting, settings)[:50])
    if not can_edit:
        # The robot's address carries its access token: readers see it masked here too.
        for entry in history:
            for snapshot in (entry.before, entry.after):
                if isinstance(snapshot, dict) and snapshot.get("设置项") == DINGTALK_WEBHOOK:
                    snapshot["值"] = masked_webhook(str(snapshot.get("值") or ""))
    return history


def _cards(scope: Scope, county: Area, posted: tuple[str, Any] | None = None) -> list[SettingCard]:
    stored = dict(CountySetting.objects.filter(county=county).values_list("name", "value"))
    cards = []
    for name, definition in SETTINGS.items():
        value = stored.get(name, definition.default)
        data = posted[1] if posted is not None and posted[0] == name else None
        editor = setting_editor(definition, value, data) if scope.can_manage else None
        cards.append(SettingCard(definition, value, name not in stored, editor))
    return cards


def _save_setting(request: HttpRequest, scope: Scope, county: Area, card: SettingCard) -> bool:
    editor = card.editor
    if editor is None or not editor.is_valid():
        return False
    value = editor_value(editor)
    try:
        county_setting_set(
            actor=Actor.of(request.user),
            scope=scope,
            county=county,
            name=card.definition.name,
            value=value,
        )
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        card.errors.append(error.field_errors.get(card.definition.name, error.message))
        return False
    if isinstance(editor, MetresSettingForm) and value != card.value:
        since = editor.cleaned_data.get("revalidate_since")
        if since is not None:
            _revalidate_after_commit(county, since, request.user.pk)
            messages.info(
                request,
                f"已开始按新的“{card.definition.label}”重新核验{county.name}"
                f"{since:%Y-%m-%d}以来的打卡，考勤结果随之更新。",
            )
    return True


def _revalidate_after_commit(county: Area, since: dt.date, user_id: int | None) -> None:
    """Queue the field-work task that judges the county's check-ins again. The areas app lies below
    field work and may not import it, so the task is found by its registered name."""

    def start() -> None:
        celery_app.autodiscover_tasks(force=True)
        celery_app.tasks[REVALIDATE_CHECKINS_TASK].delay(county.code, since.isoformat(), None, user_id)

    transaction.on_commit(start)


@login_required
@require_http_methods(["GET", "POST"])
def county_settings(request: HttpRequest) -> HttpResponse:
    """The county's settings: read by all its staff, each edited on its own by its managers."""
    scope = staff_scope(request)
    county = _settings_county(request, scope)
    cards = _cards(scope, county)
    if request.method == "POST":
        name = request.POST.get("setting", "")
        if not scope.can_manage:
            raise PermissionDenied("只有县级管理员和县扶贫办可以修改县级设置")
        if name not in SETTINGS:
            raise Http404
        cards = _cards(scope, county, posted=(name, request.POST))
        card = next(c for c in cards if c.definition.name == name)
        if _save_setting(request, scope, county, card):
            messages.success(request, f"已保存“{card.definition.label}”。")
            return redirect(f"{request.get_full_path()}#setting-{name}")
        messages.error(request, f"未保存“{card.definition.label}”，请按提示修改。")
    return render(
        request,
        "areas/settings.html",
        {
            "county": county,
            "cards": cards,
            "can_edit": scope.can_manage,
            "history": _settings_history(county, scope.can_manage),
        },
    )
