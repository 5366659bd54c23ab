"""Pages of microcredit (扶贫小额信贷): the loans in the area by status on a day, and one loan with
its repayments, the subsidised interest and the form to record a repayment."""

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
from fupin.industry.forms import RepaymentForm
from fupin.industry.money import yuan_to_fen
from fupin.industry.selectors.finance import LOAN_STATUSES, loan_get, loan_list
from fupin.industry.services.finance import loan_state, may_manage_loans, repayment_record


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
        {"page_obj": page, "query": query, "statuses": LOAN_STATUSES, "today": today},
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


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/loans/", loan_list_view, name="loan-list"),
    path("industry/loans/<int:pk>/", loan_detail_view, name="loan-detail"),
]
