"""Pages of solar stations (光伏扶贫电站) and their income distributions: the stations with their
year's income, a station's months, the villages' plans, one plan with its households or its frozen
payouts, and the publicity list with its Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.scope import Scope
from fupin.core.selectors import change_history
from fupin.core.web import int_or_none, paginate, put_refusal_on_form, staff_scope
from fupin.industry.exports import publicity_workbook
from fupin.industry.forms import BeneficiaryForm, DistributionForm, FreezeForm
from fupin.industry.models import DistributionStatus, SolarDistribution, SolarUse
from fupin.industry.money import fen_to_yuan
from fupin.industry.selectors.solar import (
    beneficiaries_of,
    distribution_get,
    distribution_list,
    payout_totals,
    payouts_of_plan,
    publicity_rows,
    station_get,
    station_incomes,
    station_list,
    station_year_totals,
)
from fupin.industry.services.solar import (
    may_manage_solar,
    solar_beneficiary_remove,
    solar_beneficiary_set,
    solar_distribution_create,
    solar_distribution_freeze,
    solar_distribution_update,
    village_incomes,
)
from fupin.industry.views.common import year_of
from fupin.registry.selectors import household_get


def _saved(
    request: HttpRequest, form: DistributionForm | BeneficiaryForm | FreezeForm, write: object
) -> bool:
    assert callable(write)
    try:
        write()
    except ServicePermissionDenied as error:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        put_refusal_on_form(form, error)
        messages.error(request, f"未保存：{error.message}")
        return False
    return True


@login_required
@require_GET
def station_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = year_of(request)
    stations = list(station_list(scope))
    totals = station_year_totals(stations, year)
    rows = [(s, *totals.get(s.pk, (0, 0))) for s in stations]
    return render(
        request,
        "industry/solar_station_list.html",
        {
            "rows": [(s, fen_to_yuan(fen), kwh) for s, fen, kwh in rows],
            "year": year,
            "capacity_kw": sum(s.capacity_kw for s in stations),
            "income_yuan": fen_to_yuan(sum(fen for _, fen, _ in rows)),
            "paid": payout_totals(scope, year),
            "may_manage": scope.can_manage,
        },
    )


@login_required
@require_GET
def station_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    station = station_get(scope, pk)
    if station is None:
        raise Http404
    incomes = station_incomes(station)
    return render(
        request,
        "industry/solar_station_detail.html",
        {
            "station": station,
            "incomes": [(i, fen_to_yuan(i.income_fen)) for i in incomes],
            "may_manage": scope.can_manage,
        },
    )


@login_required
@require_GET
def distribution_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = year_of(request)
    status = request.GET.get("status", "")
    plans = distribution_list(scope, year=year, status=status if status in DistributionStatus.values else "")
    page, query = paginate(request, plans)
    return render(
        request,
        "industry/solar_distribution_list.html",
        {
            "page_obj": page,
            "query": query,
            "year": year,
            "statuses": DistributionStatus.choices,
            "may_manage": scope.can_manage,
            "paid": payout_totals(scope, year),
        },
    )


def _visible_plan(scope: Scope, pk: int) -> SolarDistribution:
    plan = distribution_get(scope, pk)
    if plan is None:
        raise Http404
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def distribution_create_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有县扶贫办可以制定光伏收益分配方案")
    year = timezone.localdate().year - 1
    form = DistributionForm(
        request.POST or None,
        initial={"year": year, "reference_date": f"{year}-12-31", "jobs": 0, "public_works": 0, "rewards": 0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = area_get(scope, data["village_code"].strip())
        if village is None:
            form.add_error("village_code", "区划代码不存在或不在您的管辖范围内")
        else:
            created: list[SolarDistribution] = []
            if _saved(
                request,
                form,
                lambda: created.append(
                    solar_distribution_create(
                        actor=Actor.of(request.user),
                        scope=scope,
                        village=village,
                        year=data["year"],
                        reference_date=data["reference_date"],
                        allocations=form.allocations(),
                        notes=data["notes"],
                    )
                ),
            ):
                messages.success(request, "已建立分配方案，请添加受益户后定稿。")
                return redirect("industry:solar-distribution-detail", created[0].pk)
    return render(request, "industry/solar_distribution_form.html", {"form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def distribution_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    plan = _visible_plan(scope, pk)
    amounts = {a.use: fen_to_yuan(a.amount_fen) for a in plan.allocations.all()}
    initial = {
        "village_code": plan.area_code,
        "year": plan.year,
        "reference_date": plan.reference_date,
        "notes": plan.notes,
        "version": plan.version,
        **{use: amounts.get(use, 0) for use in SolarUse.values},
    }
    form = DistributionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            request,
            form,
            lambda: solar_distribution_update(
                actor=Actor.of(request.user),
                scope=scope,
                distribution=plan,
                expected_version=data["version"],
                reference_date=data["reference_date"],
                allocations=form.allocations(),
                notes=data["notes"],
            ),
        ):
            messages.success(request, "已保存分配方案。")
            return redirect("industry:solar-distribution-detail", plan.pk)
    return render(request, "industry/solar_distribution_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def distribution_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    plan = _visible_plan(scope, pk)
    may_manage = may_manage_solar(scope, plan.area_code) and not plan.frozen
    adding = BeneficiaryForm(
        request.POST if request.POST.get("action") == "add" else None,
        initial={"version": plan.version, "use": SolarUse.REWARDS, "weight": 1},
    )
    freezing = FreezeForm(
        request.POST if request.POST.get("action") == "freeze" else None,
        initial={"version": plan.version, "approved_on": timezone.localdate()},
    )
    if request.method == "POST":
        if not may_manage:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("不能修改该分配方案")
        if request.POST.get("action") == "add" and adding.is_valid():
            data = adding.cleaned_data
            household = household_get(scope, data["household_code"].strip())
            if household is None:
                adding.add_error("household_code", "户编号不存在或不在您的管辖范围内")
            elif _saved(
                request,
                adding,
                lambda: solar_beneficiary_set(
                    actor=Actor.of(request.user),
                    scope=scope,
                    distribution=plan,
                    expected_version=data["version"],
                    use=data["use"],
                    household=household,
                    weight=data["weight"],
                    post=data["post"],
                ),
            ):
                messages.success(request, f"已添加受益户 {household.code}。")
                return redirect("industry:solar-distribution-detail", plan.pk)
        if request.POST.get("action") == "freeze" and freezing.is_valid():
            data = freezing.cleaned_data
            if _saved(
                request,
                freezing,
                lambda: solar_distribution_freeze(
                    actor=Actor.of(request.user),
                    scope=scope,
                    distribution=plan,
                    expected_version=data["version"],
                    approved_on=data["approved_on"],
                ),
            ):
                messages.success(request, "分配方案已定稿，到户金额已锁定。")
                return redirect("industry:solar-distribution-detail", plan.pk)
    income = village_incomes(plan.year, [plan.village_id])[plan.village_id]
    return render(
        request,
        "industry/solar_distribution_detail.html",
        {
            "plan": plan,
            "total_yuan": fen_to_yuan(plan.total_fen),
            "income_yuan": fen_to_yuan(income),
            "allocations": [(a, fen_to_yuan(a.amount_fen)) for a in plan.allocations.all()],
            "beneficiaries": beneficiaries_of(plan) if not plan.frozen else [],
            "payouts": [(p, fen_to_yuan(p.amount_fen)) for p in payouts_of_plan(plan)] if plan.frozen else [],
            "may_manage": may_manage,
            "adding": adding,
            "freezing": freezing,
            "history": change_history(plan)[:30],
        },
    )


@login_required
@require_POST
def beneficiary_remove_view(request: HttpRequest, pk: int, beneficiary_pk: int) -> HttpResponse:
    scope = staff_scope(request)
    plan = _visible_plan(scope, pk)
    item = plan.beneficiaries.filter(pk=beneficiary_pk).first()
    if item is None:
        raise Http404
    try:
        solar_beneficiary_remove(
            actor=Actor.of(request.user),
            scope=scope,
            beneficiary=item,
            expected_version=int_or_none(request.POST.get("version")),
        )
    except ServicePermissionDenied as error:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, f"未移出：{error.message}")
    else:
        messages.success(request, "已移出受益户。")
    return redirect("industry:solar-distribution-detail", plan.pk)


@login_required
@require_GET
def publicity_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = year_of(request)
    code = request.GET.get("village", "").strip()
    village = area_get(scope, code) if code else None
    rows = publicity_rows(scope, year, village.code if village else "")
    if request.GET.get("format") == "xlsx":
        title = f"{village.name if village else ''}{year}年光伏扶贫收益分配公示名单"
        response = HttpResponse(
            publicity_workbook(title, rows.iterator(chunk_size=2000)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''solar-publicity-{year}.xlsx"
        return response
    page, query = paginate(request, rows, per_page=100)
    return render(
        request,
        "industry/solar_publicity.html",
        {
            "page_obj": page,
            "query": query,
            "year": year,
            "village": village,
            "rows": [(p, fen_to_yuan(p.amount_fen)) for p in page],
        },
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/solar/", station_list_view, name="solar-station-list"),
    path("industry/solar/stations/<int:pk>/", station_detail_view, name="solar-station-detail"),
    path("industry/solar/distributions/", distribution_list_view, name="solar-distribution-list"),
    path("industry/solar/distributions/new/", distribution_create_view, name="solar-distribution-create"),
    path(
        "industry/solar/distributions/<int:pk>/", distribution_detail_view, name="solar-distribution-detail"
    ),
    path(
        "industry/solar/distributions/<int:pk>/edit/", distribution_edit_view, name="solar-distribution-edit"
    ),
    path(
        "industry/solar/distributions/<int:pk>/beneficiaries/<int:beneficiary_pk>/remove/",
        beneficiary_remove_view,
        name="solar-beneficiary-remove",
    ),
    path("industry/solar/publicity/", publicity_view, name="solar-publicity"),
]
