"""Area pages: the tree, one area's page, the picker, the county settings. Thin: scope, selector or
service, render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.county_settings import SETTINGS, SettingDefinition
from fupin.areas.forms import AreaForm, SettingEditor, editor_value, setting_editor
from fupin.areas.models import Area, AreaLevel, CountySetting
from fupin.areas.selectors import area_ancestors, area_children, area_get, area_search
from fupin.areas.services import area_update, county_setting_set
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.models import ChangeLog
from fupin.core.scope import Scope
from fupin.core.selectors import change_history, change_history_of_many
from fupin.core.web import staff_scope


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


def _settings_history(county: Area) -> list[ChangeLog]:
    settings = CountySetting.objects.filter(county=county).values("pk")
    return list(change_history_of_many(CountySetting, settings)[:50])


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
    try:
        county_setting_set(
            actor=Actor.of(request.user),
            scope=scope,
            county=county,
            name=card.definition.name,
            value=editor_value(editor),
        )
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        card.errors.append(error.field_errors.get(card.definition.name, error.message))
        return False
    return True


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
            "history": _settings_history(county),
        },
    )
