"""The mutual-aid funds page (互助资金): the associations in the reader's area with their fund, what
is out on loan today and how many loans are past due, and the form that enters or corrects
(versioned) an association and its loans (a repayment is recorded as the loan's 还清日期)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.web import paginate, put_refusal_on_form, staff_scope
from fupin.industry.forms import AssociationForm, MutualAidLoanForm
from fupin.industry.models import MutualAidAssociation, MutualAidLoan
from fupin.industry.money import fen_to_yuan, yuan_to_fen
from fupin.industry.services.mutual_aid import (
    association_create,
    association_update,
    mutual_aid_loan_create,
    mutual_aid_loan_update,
)
from fupin.registry.selectors import household_get


@login_required
@require_GET
def mutual_aid_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    today = timezone.localdate()
    out = Q(loans__lent_on__lte=today) & (Q(loans__repaid_on__isnull=True) | Q(loans__repaid_on__gt=today))
    associations = (
        MutualAidAssociation.objects.filter(scope.area_q("area_code"))
        .select_related("village")
        .annotate(
            out_fen=Sum("loans__amount_fen", filter=out),
            overdue=Count("loans", filter=out & Q(loans__due_on__lt=today)),
        )
        .order_by("area_code", "code")
    )
    page, query = paginate(request, associations)
    return render(
        request,
        "industry/mutual_aid.html",
        {"page_obj": page, "query": query, "today": today, "may_manage": scope.can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def association_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以维护互助资金协会")
    association: MutualAidAssociation | None = None
    if pk is not None:
        association = (
            MutualAidAssociation.objects.filter(scope.area_q("area_code"), pk=pk)
            .select_related("village")
            .first()
        )
        if association is None:
            raise Http404
    initial = (
        {
            "code": association.code,
            "name": association.name,
            "village_code": association.area_code,
            "fund": fen_to_yuan(association.fund_fen),
            "established_on": association.established_on,
            "version": association.version,
        }
        if association
        else {}
    )
    form = AssociationForm(request.POST or None, initial=initial, editing=association is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.of(request.user)
        try:
            if association is None:
                saved = association_create(
                    actor=actor,
                    scope=scope,
                    code=data["code"],
                    name=data["name"],
                    village=Area.objects.filter(code=data["village_code"].strip()).first(),
                    fund_fen=yuan_to_fen(data["fund"]),
                    established_on=data["established_on"],
                )
            else:
                saved = association_update(
                    actor=actor,
                    scope=scope,
                    association=association,
                    expected_version=data["version"],
                    name=data["name"],
                    fund_fen=yuan_to_fen(data["fund"]),
                    established_on=data["established_on"],
                )
        except ServicePermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            put_refusal_on_form(form, error)
            messages.error(request, f"未保存：{error.message}")
        else:
            messages.success(request, f"已保存互助资金协会“{saved.name}”。")
            return redirect("industry:mutual-aid")
    loans = (
        MutualAidLoan.objects.filter(scope.area_q("area_code"), association=association)
        .select_related("household")
        .order_by("-lent_on")[:50]
        if association
        else None
    )
    return render(
        request, "industry/association_form.html", {"form": form, "association": association, "loans": loans}
    )


@login_required
@require_http_methods(["GET", "POST"])
def mutual_aid_loan_form_view(request: HttpRequest, pk: int, loan_pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记互助资金借款")
    association = MutualAidAssociation.objects.filter(scope.area_q("area_code"), pk=pk).first()
    if association is None:
        raise Http404
    loan: MutualAidLoan | None = None
    if loan_pk is not None:
        loan = (
            MutualAidLoan.objects.filter(scope.area_q("area_code"), association=association, pk=loan_pk)
            .select_related("household")
            .first()
        )
        if loan is None:
            raise Http404
    initial = (
        {
            "code": loan.code,
            "household_code": loan.household.code,
            "amount": fen_to_yuan(loan.amount_fen),
            "lent_on": loan.lent_on,
            "due_on": loan.due_on,
            "repaid_on": loan.repaid_on,
            "version": loan.version,
        }
        if loan
        else {}
    )
    form = MutualAidLoanForm(request.POST or None, initial=initial, editing=loan is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = loan.household if loan else household_get(scope, data["household_code"].strip())
        if household is None:
            form.add_error("household_code", "户编号不存在或不在您的管辖范围内")
        else:
            actor = Actor.of(request.user)
            terms = {
                "amount_fen": yuan_to_fen(data["amount"]),
                "lent_on": data["lent_on"],
                "due_on": data["due_on"],
                "repaid_on": data["repaid_on"],
            }
            try:
                if loan is None:
                    mutual_aid_loan_create(
                        actor=actor,
                        scope=scope,
                        association=association,
                        code=data["code"],
                        household=household,
                        **terms,
                    )
                else:
                    mutual_aid_loan_update(
                        actor=actor, scope=scope, loan=loan, expected_version=data["version"], **terms
                    )
            except ServicePermissionDenied as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                put_refusal_on_form(form, error)
                messages.error(request, f"未保存：{error.message}")
            else:
                messages.success(request, "已保存互助资金借款。")
                return redirect("industry:association-edit", association.pk)
    return render(
        request,
        "industry/mutual_aid_loan_form.html",
        {"form": form, "association": association, "loan": loan},
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/mutual-aid/", mutual_aid_view, name="mutual-aid"),
    path("industry/mutual-aid/new/", association_form_view, name="association-create"),
    path("industry/mutual-aid/<int:pk>/edit/", association_form_view, name="association-edit"),
    path("industry/mutual-aid/<int:pk>/loans/new/", mutual_aid_loan_form_view, name="mutual-aid-loan-create"),
    path(
        "industry/mutual-aid/<int:pk>/loans/<int:loan_pk>/",
        mutual_aid_loan_form_view,
        name="mutual-aid-loan-edit",
    ),
]
