"""Pages of microcredit (扶贫小额信贷): the loans in the area by status on a day, one loan with its
repayments, the subsidised interest and the form to record a repayment, and the form that enters a
new loan or corrects one (versioned) under the ledger's rules."""

from __future__ import annotations

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
from fupin.core.web import paginate, put_refusal_on_form, staff_scope
from fupin.industry.forms import LoanForm, RepaymentForm
from fupin.industry.models import MicroLoan
from fupin.industry.money import fen_to_yuan, yuan_to_fen
from fupin.industry.selectors.finance import LOAN_STATUSES, loan_get, loan_list
from fupin.industry.services.finance import (
    loan_create,
    loan_state,
    loan_update,
    may_manage_loans,
    repayment_record,
)
from fupin.registry.models import Household, Member
from fupin.registry.selectors import household_get

# Service field → form field.
LOAN_FIELDS = {"amount_fen": "amount", "household": "household_code", "borrower": "borrower_name"}


@login_required
@require_GET
def loan_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    status = request.GET.get("status", "")
    today = timezone.localdate()
    loans = loan_list(scope, on=today, status=status if status in dict(LOAN_STATUSES) else "")
    page, query = paginate(request, loans)
    return render(
        request,
        "industry/loan_list.html",
        {
            "page_obj": page,
            "query": query,
            "statuses": LOAN_STATUSES,
            "today": today,
            "may_manage": scope.can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def loan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    loan = loan_get(scope, pk)
    if loan is None:
        raise Http404
    may_record = may_manage_loans(scope, loan.area_code)
    form = RepaymentForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("只有县扶贫办可以登记还款")
        if form.is_valid():
            data = form.cleaned_data
            try:
                repayment_record(
                    actor=Actor.of(request.user),
                    scope=scope,
                    loan=loan,
                    paid_on=data["paid_on"],
                    principal_fen=yuan_to_fen(data["principal"]),
                    interest_fen=yuan_to_fen(data["interest"]),
                )
            except ServicePermissionDenied as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                put_refusal_on_form(form, error)
                messages.error(request, f"未保存：{error.message}")
            else:
                messages.success(request, "已登记还款。")
                return redirect("industry:loan-detail", loan.pk)
    return render(
        request,
        "industry/loan_detail.html",
        {
            "loan": loan,
            "state": loan_state(loan, timezone.localdate()),
            "repayments": loan.repayments.order_by("paid_on"),
            "form": form,
            "may_record": may_record,
        },
    )


def _borrower(form: LoanForm, household: Household, name: str) -> Member | None:
    found = list(Member.objects.filter(household=household, name=name.strip())[:2])
    if len(found) > 1:
        form.add_error("borrower_name", f"该户有多名成员叫“{name.strip()}”，请到户档案核对")
        return None
    if not found:
        form.add_error("borrower_name", "借款人不是该户成员")
        return None
    return found[0]


@login_required
@require_http_methods(["GET", "POST"])
def loan_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记贷款")
    loan = loan_get(scope, pk) if pk is not None else None
    if pk is not None and loan is None:
        raise Http404
    initial: dict[str, object] = (
        {
            "code": loan.code,
            "household_code": loan.household.code,
            "borrower_name": loan.borrower.name,
            "lender": loan.lender,
            "amount": fen_to_yuan(loan.amount_fen),
            "term_months": loan.term_months,
            "annual_rate": loan.annual_rate,
            "start_date": loan.start_date,
            "purpose": loan.purpose,
            "version": loan.version,
        }
        if loan
        else {"start_date": timezone.localdate(), "term_months": 36, "annual_rate": "4.35"}
    )
    form = LoanForm(request.POST or None, initial=initial, editing=loan is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = loan.household if loan else household_get(scope, data["household_code"].strip())
        if household is None:
            form.add_error("household_code", "户编号不存在或不在您的管辖范围内")
        else:
            borrower = _borrower(form, household, data["borrower_name"])
            if borrower is not None:
                saved = _saved_loan(request, form, loan, household, borrower)
                if saved is not None:
                    messages.success(request, f"已保存贷款 {saved.code}。")
                    return redirect("industry:loan-detail", saved.pk)
    return render(request, "industry/loan_form.html", {"form": form, "loan": loan})


def _saved_loan(
    request: HttpRequest, form: LoanForm, loan: MicroLoan | None, household: Household, borrower: Member
) -> MicroLoan | None:
    data = form.cleaned_data
    actor = Actor.of(request.user)
    scope = staff_scope(request)
    try:
        if loan is None:
            return loan_create(
                actor=actor,
                scope=scope,
                code=data["code"],
                household=household,
                borrower=borrower,
                lender=data["lender"],
                amount_fen=yuan_to_fen(data["amount"]),
                term_months=data["term_months"],
                annual_rate=data["annual_rate"],
                start_date=data["start_date"],
                purpose=data["purpose"],
            )
        return loan_update(
            actor=actor,
            scope=scope,
            loan=loan,
            expected_version=data["version"],
            borrower=borrower,
            lender=data["lender"],
            amount_fen=yuan_to_fen(data["amount"]),
            term_months=data["term_months"],
            annual_rate=data["annual_rate"],
            start_date=data["start_date"],
            purpose=data["purpose"],
        )
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        error.field_errors = {LOAN_FIELDS.get(k, k): m for k, m in error.field_errors.items()}
        put_refusal_on_form(form, error)
        messages.error(request, f"未保存：{error.message}")
        return None


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/loans/", loan_list_view, name="loan-list"),
    path("industry/loans/new/", loan_form_view, name="loan-create"),
    path("industry/loans/<int:pk>/", loan_detail_view, name="loan-detail"),
    path("industry/loans/<int:pk>/edit/", loan_form_view, name="loan-edit"),
]
