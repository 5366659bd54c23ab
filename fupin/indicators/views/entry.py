"""Pages of data entry: the data sets, the entry form of a data set × area × period (phone-friendly,
also for the annual plans), and the report's submit / approve / unapprove / return buttons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from fupin.areas.models import Area
from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, put_refusal_on_form, staff_scope
from fupin.indicators.forms import EntryForm
from fupin.indicators.models import DataSet, DataValue, PeriodType, Report, ValueKind
from fupin.indicators.selectors.report import period_choices
from fupin.indicators.services import approval
from fupin.indicators.services.entry import entered_indicators, may_enter, report_get, values_save
from fupin.indicators.validation import field_name


def latest_period() -> tuple[int, int]:
    """The latest month with values (the demo is 2019), else last month."""
    latest = (
        DataValue.objects.filter(kind=ValueKind.ACTUAL, period_type=PeriodType.MONTH)
        .order_by("-year", "-period")
        .first()
    )
    if latest is not None:
        return latest.year, latest.period
    today = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return today.year, today.month


def entry_areas(scope: Scope, data_set: DataSet) -> list[Area]:
    areas = Area.objects.filter(level=data_set.level).filter(scope.area_q("code")).order_by("code")
    return list(areas)


def _parsed(request: HttpRequest, data_set: DataSet, scope: Scope) -> tuple[Area, str, int, int]:
    kind = ValueKind.PLAN if request.GET.get("kind") == ValueKind.PLAN else ValueKind.ACTUAL
    year_default, month_default = latest_period()
    year = int_or_none(request.GET.get("year")) or year_default
    period = int_or_none(request.GET.get("period"))
    if kind == ValueKind.PLAN or data_set.period_type == PeriodType.YEAR:
        period = 0
    elif period is None:
        period = (
            month_default if data_set.period_type == PeriodType.MONTH else max(1, (month_default - 1) // 3)
        )
    code = request.GET.get("area") or scope.root_area_code or ""
    area = Area.objects.filter(code=code).first()
    if area is None or area.level != data_set.level:
        choices = entry_areas(scope, data_set)
        if not choices:
            raise Http404("您的管辖范围内没有填报该报表的区划")
        area = choices[0]
    if not scope.covers_code(area.code) or not 2000 <= year <= 2100:
        raise Http404("区划不在您的管辖范围内")
    return area, kind, year, period


def form_url(data_set: DataSet, area: Area, kind: str, year: int, period: int) -> str:
    query: dict[str, str | int] = {"area": area.code, "year": year, "period": period}
    if kind == ValueKind.PLAN:
        query["kind"] = ValueKind.PLAN
    return f"{reverse('indicators:entry', args=[data_set.code])}?{urlencode(query)}"


@login_required
def data_set_list(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    data_sets = DataSet.objects.prefetch_related("indicators", "rules__left", "rules__right").order_by("code")
    return render(request, "indicators/data_sets.html", {"data_sets": data_sets, "scope": scope})


@login_required
@require_http_methods(["GET", "POST"])
def entry_view(request: HttpRequest, code: str) -> HttpResponse:
    scope = staff_scope(request)
    data_set = get_object_or_404(DataSet, code=code)
    area, kind, year, period = _parsed(request, data_set, scope)
    report = report_get(data_set=data_set, area=area, kind=kind, year=year, period=period)
    indicators = entered_indicators(data_set)
    editable = may_enter(scope, data_set, area) and report.is_open and data_set.active
    if request.method == "POST" and editable:
        form = EntryForm(request.POST, indicators=indicators)
        if form.is_valid():
            try:
                values_save(
                    actor=Actor.of(request.user),
                    scope=scope,
                    data_set=data_set,
                    area=area,
                    kind=kind,
                    year=year,
                    period=period,
                    entries=form.entries(),
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as error:
                put_refusal_on_form(form, error)
            else:
                messages.success(request, "已保存")
                return redirect(form_url(data_set, area, kind, year, period))
    else:
        stored = DataValue.objects.filter(
            indicator__in=indicators,
            area=area,
            kind=kind,
            period_type=PeriodType.YEAR if kind == ValueKind.PLAN else data_set.period_type,
            year=year,
            period=period,
        )
        form = EntryForm(
            initial=EntryForm.initial_of(indicators, list(stored), report.version), indicators=indicators
        )
    return render(
        request,
        "indicators/entry.html",
        _context(scope, data_set, area, kind, year, period, report, form, editable, request.user.pk),
    )


def previous_values(data_set: DataSet, area: Area, kind: str, year: int, period: int) -> dict[str, Decimal]:
    """The values of the period before (last year's plan for a plan), shown beside each field so a
    slip of a digit stands out."""
    if kind == ValueKind.PLAN or data_set.period_type == PeriodType.YEAR:
        year -= 1
    elif period > 1:
        period -= 1
    else:
        year, period = year - 1, 12 if data_set.period_type == PeriodType.MONTH else 4
    period_type = PeriodType.YEAR if kind == ValueKind.PLAN else data_set.period_type
    found = DataValue.objects.filter(
        indicator__in=data_set.indicators.all(),
        area=area,
        kind=kind,
        period_type=period_type,
        year=year,
        period=period,
    )
    return dict(found.values_list("indicator__code", "value"))


def _context(
    scope: Scope,
    data_set: DataSet,
    area: Area,
    kind: str,
    year: int,
    period: int,
    report: Report,
    form: EntryForm,
    editable: bool,
    user_id: int | None,
) -> dict[str, Any]:
    rules = list(data_set.rules.filter(active=True).select_related("left", "right"))
    approvable = report.pk is not None and approval.may_approve(scope, report)
    own = approvable and approval.submitted_by_self(scope, user_id, report)
    return {
        "data_set": data_set,
        "area": area,
        "areas": entry_areas(scope, data_set),
        "kind": kind,
        "is_plan": kind == ValueKind.PLAN,
        "year": year,
        "period": period,
        "periods": period_choices(data_set.period_type),
        "report": report,
        "form": form,
        "editable": editable,
        "rules": rules,
        "field_names": {i.code: field_name(i) for i in form.indicators},
        "events": list(report.events.all()) if report.pk else [],
        "can_submit": report.pk is not None
        and report.is_open
        and data_set.active
        and may_enter(scope, data_set, area),
        "can_approve": approvable and not own,
        "own_report": approval.OWN_REPORT if own else "",
        "can_unapprove": report.pk is not None and approval.may_unapprove(scope, report),
        "can_return": report.pk is not None and approval.may_return(scope, report),
        "self_url": form_url(data_set, area, kind, year, period),
        "previous": previous_values(data_set, area, kind, year, period),
        "county_code": areacode.county_code_of(area.code),
    }


ACTIONS = {
    "submit": approval.report_submit,
    "approve": approval.report_approve,
}
NOTED = {"unapprove": approval.report_unapprove, "return": approval.report_return}
DONE = {
    "submit": "已上报",
    "approve": "已审核通过",
    "unapprove": "已撤销审核，数据已解锁",
    "return": "已退回修改",
}


@login_required
@require_POST
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scope = staff_scope(request)
    report = Report.objects.filter(pk=pk).select_related("data_set", "area").first()
    if report is None or not scope.covers_code(report.area_code) or action not in DONE:
        raise Http404("报表不存在")
    version = int_or_none(request.POST.get("version")) or 0
    common: dict[str, Any] = {
        "actor": Actor.of(request.user),
        "scope": scope,
        "report": report,
        "expected_version": version,
    }
    try:
        if action in NOTED:
            NOTED[action](**common, note=request.POST.get("note", "").strip()[:500])
        else:
            ACTIONS[action](**common)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, DONE[action])
    back = request.POST.get("next", "")
    if back.startswith("/indicators/"):
        return redirect(back)
    return redirect(form_url(report.data_set, report.area, report.kind, report.year, report.period))


urlpatterns: list[URLPattern] = [
    path("indicators/", data_set_list, name="data-sets"),
    path("indicators/entry/<str:code>/", entry_view, name="entry"),
    path("indicators/reports/<int:pk>/<str:action>/", report_action, name="report-action"),
]
