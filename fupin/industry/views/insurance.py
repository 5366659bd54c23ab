"""The industry insurance page (产业保险): the year's policies in the reader's area with their
premium subsidy and claims paid, and the forms that enter or correct (versioned) a policy and its
claims."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.web import int_or_none, paginate, put_refusal_on_form, staff_scope
from fupin.industry.forms import ClaimForm, PolicyForm
from fupin.industry.models import InsuranceClaim, InsurancePolicy
from fupin.industry.money import fen_to_yuan, yuan_to_fen
from fupin.industry.selectors.industries import industry_list
from fupin.industry.selectors.insurance import policy_list
from fupin.industry.services.insurance import claim_record, policy_create, policy_update
from fupin.registry.selectors import household_get

# Service field → form field.
POLICY_FIELDS = {
    "sum_insured_fen": "sum_insured",
    "premium_fen": "premium",
    "premium_subsidy_fen": "premium_subsidy",
    "industry_code": "industry",
}


@login_required
@require_GET
def insurance_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    page, query = paginate(request, policy_list(scope, year))
    return render(
        request,
        "industry/insurance.html",
        {"year": year, "page_obj": page, "query": query, "may_manage": scope.can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记保单")
    policy = _policy(request, pk) if pk is not None else None
    initial = (
        {
            "code": policy.code,
            "household_code": policy.household.code,
            "insurer": policy.insurer,
            "industry": policy.industry_id,
            "sum_insured": fen_to_yuan(policy.sum_insured_fen),
            "premium": fen_to_yuan(policy.premium_fen),
            "premium_subsidy": fen_to_yuan(policy.premium_subsidy_fen),
            "starts_on": policy.starts_on,
            "ends_on": policy.ends_on,
            "version": policy.version,
        }
        if policy
        else {}
    )
    form = PolicyForm(
        request.POST or None, initial=initial, industries=industry_list(scope), editing=policy is not None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = policy.household if policy else household_get(scope, data["household_code"].strip())
        if household is None:
            form.add_error("household_code", "户编号不存在或不在您的管辖范围内")
        else:
            fields = {
                "insurer": data["insurer"],
                "industry": data["industry"],
                "sum_insured_fen": yuan_to_fen(data["sum_insured"]),
                "premium_fen": yuan_to_fen(data["premium"]),
                "premium_subsidy_fen": yuan_to_fen(data["premium_subsidy"]),
                "starts_on": data["starts_on"],
                "ends_on": data["ends_on"],
            }
            actor = Actor.of(request.user)
            try:
                if policy is None:
                    saved = policy_create(
                        actor=actor, scope=scope, code=data["code"], household=household, **fields
                    )
                else:
                    saved = policy_update(
                        actor=actor, scope=scope, policy=policy, expected_version=data["version"], **fields
                    )
            except ServicePermissionDenied as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                error.field_errors = {POLICY_FIELDS.get(k, k): m for k, m in error.field_errors.items()}
                put_refusal_on_form(form, error)
                messages.error(request, f"未保存：{error.message}")
            else:
                messages.success(request, f"已保存保单 {saved.code}。")
                return redirect(f"{reverse('industry:insurance')}?year={saved.starts_on.year}")
    claims = policy.claims.order_by("occurred_on") if policy else None
    return render(request, "industry/policy_form.html", {"form": form, "policy": policy, "claims": claims})


def _policy(request: HttpRequest, pk: int) -> InsurancePolicy:
    policy = (
        InsurancePolicy.objects.filter(staff_scope(request).area_q("area_code"), pk=pk)
        .select_related("household", "industry")
        .first()
    )
    if policy is None:
        raise Http404
    return policy


@login_required
@require_http_methods(["GET", "POST"])
def claim_form_view(request: HttpRequest, pk: int, claim_pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记理赔")
    policy = _policy(request, pk)
    claim: InsuranceClaim | None = None
    if claim_pk is not None:
        claim = policy.claims.filter(pk=claim_pk).first()
        if claim is None:
            raise Http404
    initial = (
        {
            "occurred_on": claim.occurred_on,
            "cause": claim.cause,
            "paid_on": claim.paid_on,
            "paid": fen_to_yuan(claim.paid_fen),
            "version": claim.version,
        }
        if claim
        else {}
    )
    form = ClaimForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim_record(
                actor=Actor.of(request.user),
                scope=scope,
                policy=policy,
                occurred_on=data["occurred_on"],
                cause=data["cause"],
                paid_on=data["paid_on"],
                paid_fen=yuan_to_fen(data["paid"]),
                claim=claim,
                expected_version=data["version"],
            )
        except ServicePermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            put_refusal_on_form(form, error)
            messages.error(request, f"未保存：{error.message}")
        else:
            messages.success(request, f"已保存保单 {policy.code} 的理赔。")
            return redirect("industry:policy-edit", policy.pk)
    return render(request, "industry/claim_form.html", {"form": form, "policy": policy, "claim": claim})


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/insurance/", insurance_view, name="insurance"),
    path("industry/insurance/new/", policy_form_view, name="policy-create"),
    path("industry/insurance/<int:pk>/edit/", policy_form_view, name="policy-edit"),
    path("industry/insurance/<int:pk>/claims/new/", claim_form_view, name="claim-create"),
    path("industry/insurance/<int:pk>/claims/<int:claim_pk>/", claim_form_view, name="claim-edit"),
]
