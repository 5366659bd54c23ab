"""Entry pages of solar stations (光伏电站): a new station or a correction (versioned) with the
villages that own it in shares, and a station's monthly income, new or corrected. The county office
of the stations' villages writes; the rules are the ledgers' (services.solar)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fupin.areas.models import Area
from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.web import staff_scope
from fupin.industry.forms import IncomeForm, StationForm
from fupin.industry.models import SolarIncome
from fupin.industry.money import fen_to_yuan, yuan_to_fen
from fupin.industry.selectors.solar import station_get
from fupin.industry.services.solar import solar_income_record, solar_station_create, solar_station_update
from fupin.industry.views.common import refused


@login_required
@require_http_methods(["GET", "POST"])
def station_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以维护光伏电站")
    station = station_get(scope, pk) if pk is not None else None
    if pk is not None and station is None:
        raise Http404
    initial = (
        {
            "code": station.code,
            "name": station.name,
            "area_code": station.area.code,
            "capacity_kw": station.capacity_kw,
            "connected_on": station.connected_on,
            "owners": "\n".join(f"{o.village.code} {o.share.normalize()}" for o in station.owners.all()),
            "version": station.version,
        }
        if station
        else {}
    )
    form = StationForm(request.POST or None, initial=initial, editing=station is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = area_get(scope, data["area_code"].strip())
        villages = {a.code: a for a in Area.objects.filter(code__in=[c for c, _ in data["owners"]])}
        missing = [code for code, _ in data["owners"] if code not in villages]
        if area is None:
            form.add_error("area_code", "区划代码不存在或不在您的管辖范围内")
        if missing:
            form.add_error("owners", f"{missing[0]}：区划代码不存在")
        if area is not None and not missing:
            owners = [(villages[code], share) for code, share in data["owners"]]
            fields = {
                "name": data["name"],
                "area": area,
                "capacity_kw": data["capacity_kw"],
                "connected_on": data["connected_on"],
                "owners": owners,
            }
            actor = Actor.of(request.user)
            try:
                if station is None:
                    saved = solar_station_create(actor=actor, scope=scope, code=data["code"], **fields)
                else:
                    saved = solar_station_update(
                        actor=actor, scope=scope, station=station, expected_version=data["version"], **fields
                    )
            except ApplicationError as error:
                refused(request, form, error)
            else:
                messages.success(request, f"已保存光伏电站“{saved.name}”。")
                return redirect("industry:solar-station-detail", saved.pk)
    return render(request, "industry/solar_station_form.html", {"form": form, "station": station})


@login_required
@require_http_methods(["GET", "POST"])
def income_form_view(request: HttpRequest, pk: int, income_pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记电站收入")
    station = station_get(scope, pk)
    if station is None:
        raise Http404
    income: SolarIncome | None = None
    if income_pk is not None:
        income = SolarIncome.objects.filter(station=station, pk=income_pk).first()
        if income is None:
            raise Http404
    initial = (
        {
            "month": income.month,
            "generation_kwh": income.generation_kwh,
            "income": fen_to_yuan(income.income_fen),
            "version": income.version,
        }
        if income
        else {"month": timezone.localdate().replace(day=1)}
    )
    form = IncomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            solar_income_record(
                actor=Actor.of(request.user),
                scope=scope,
                station=station,
                month=data["month"],
                generation_kwh=data["generation_kwh"],
                income_fen=yuan_to_fen(data["income"]),
                income=income,
                expected_version=data["version"],
            )
        except ApplicationError as error:
            refused(request, form, error)
        else:
            messages.success(request, f"已保存 {data['month']:%Y-%m} 的发电收入。")
            return redirect("industry:solar-station-detail", station.pk)
    return render(
        request, "industry/solar_income_form.html", {"form": form, "station": station, "income": income}
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/solar/stations/new/", station_form_view, name="solar-station-create"),
    path("industry/solar/stations/<int:pk>/edit/", station_form_view, name="solar-station-edit"),
    path("industry/solar/stations/<int:pk>/income/new/", income_form_view, name="solar-income-create"),
    path(
        "industry/solar/stations/<int:pk>/income/<int:income_pk>/",
        income_form_view,
        name="solar-income-edit",
    ),
]
