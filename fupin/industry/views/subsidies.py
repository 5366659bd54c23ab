"""Pages of household industry subsidies (到户产业补助, 以奖代补): the list by year and status with
the amounts accepted and paid, the application form, and one subsidy with the form of its next
step (acceptance, publicity, payment)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.selectors import change_history
from fupin.core.web import int_or_none, paginate, put_refusal_on_form, staff_scope
from fupin.industry.forms import SubsidyApplyForm, SubsidyStepForm
from fupin.industry.models import HouseholdSubsidy, SubsidyStatus
from fupin.industry.selectors.industries import industry_list, subsidy_counts, subsidy_get, subsidy_list
from fupin.industry.services.subsidies import (
    may_accept,
    may_manage_subsidies,
    subsidy_accept,
    subsidy_apply,
    subsidy_pay,
    subsidy_publicise,
)
from fupin.registry.selectors import household_get

NEXT_STEP: dict[str, str] = {
    SubsidyStatus.APPLIED: "验收",
    SubsidyStatus.ACCEPTED: "公示",
    SubsidyStatus.PUBLICISED: "兑付",
}


def _saved(
    request: HttpRequest, form: SubsidyApplyForm | SubsidyStepForm, write: Callable[[], object]
) -> bool:
    try:
        write()
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        put_refusal_on_form(form, error)
        messages.error(request, f"未保存：{error.message}")
        return False
    return True


@login_required
@require_GET
def subsidy_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    status = request.GET.get("status", "")
    subsidies = subsidy_list(scope, year=year, status=status if status in SubsidyStatus.values else "")
    page, query = paginate(request, subsidies)
    counts = subsidy_counts(subsidy_list(scope, year=year))
    return render(
        request,
        "industry/subsidy_list.html",
        {
            "page_obj": page,
            "query": query,
            "year": year,
            "statuses": [(value, label, counts.get(value, 0)) for value, label in SubsidyStatus.choices],
            "counts": counts,
            "may_manage": scope.can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def subsidy_apply_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记产业补助申请")
    today = timezone.localdate()
    form = SubsidyApplyForm(
        request.POST or None,
        industries=industry_list(scope),
        initial={"year": today.year, "applied_on": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = household_get(scope, data["household_code"].strip())
        if household is None:
            form.add_error("household_code", "户编号不存在或不在您的管辖范围内")
        elif _saved(
            request,
            form,
            lambda: subsidy_apply(
                actor=Actor.of(request.user),
                scope=scope,
                code=data["code"],
                household=household,
                industry=data["industry"],
                year=data["year"],
                project=data["project"],
                planned_scale=data["planned_scale"],
                applied_on=data["applied_on"],
            ),
        ):
            messages.success(request, f"已登记补助申请 {data['code']}。")
            return redirect("industry:subsidy-list")
    return render(request, "industry/subsidy_form.html", {"form": form})


def _may_step(request: HttpRequest, item: HouseholdSubsidy) -> bool:
    scope = staff_scope(request)
    if item.status == SubsidyStatus.APPLIED:
        return may_accept(scope, item.area_code)
    return item.status in NEXT_STEP and may_manage_subsidies(scope, item.area_code)


@login_required
@require_http_methods(["GET", "POST"])
def subsidy_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    item = subsidy_get(scope, pk)
    if item is None:
        raise Http404
    may_step = _may_step(request, item)
    form = SubsidyStepForm(
        request.POST or None, initial={"day": timezone.localdate(), "version": item.version, "passed": "yes"}
    )
    if request.method == "POST":
        if not may_step:
            raise PermissionDenied("不能办理该补助的下一步")
        if form.is_valid():
            data = form.cleaned_data
            actor, version, day = Actor.of(request.user), data["version"], data["day"]
            steps: dict[str, Callable[[], object]] = {
                SubsidyStatus.APPLIED: lambda: subsidy_accept(
                    actor=actor,
                    scope=scope,
                    subsidy=item,
                    expected_version=version,
                    accepted_on=day,
                    passed=data["passed"] != "no",
                    accepted_scale=data["accepted_scale"],
                    notes=data["notes"],
                ),
                SubsidyStatus.ACCEPTED: lambda: subsidy_publicise(
                    actor=actor, scope=scope, subsidy=item, expected_version=version, publicised_on=day
                ),
                SubsidyStatus.PUBLICISED: lambda: subsidy_pay(
                    actor=actor, scope=scope, subsidy=item, expected_version=version, paid_on=day
                ),
            }
            if _saved(request, form, steps[item.status]):
                messages.success(request, f"已办理{NEXT_STEP[item.status]}。")
                return redirect("industry:subsidy-detail", item.pk)
    return render(
        request,
        "industry/subsidy_detail.html",
        {
            "item": item,
            "form": form,
            "may_step": may_step,
            "next_step": NEXT_STEP.get(item.status, ""),
            "history": change_history(item)[:30],
        },
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/subsidies/", subsidy_list_view, name="subsidy-list"),
    path("industry/subsidies/new/", subsidy_apply_view, name="subsidy-apply"),
    path("industry/subsidies/<int:pk>/", subsidy_detail_view, name="subsidy-detail"),
]
