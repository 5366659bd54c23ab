"""The mutual-aid funds page (互助资金): the associations in the reader's area with their fund, what
is out on loan today and how many loans are past due."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from fupin.core.web import paginate, staff_scope
from fupin.industry.models import MutualAidAssociation


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
    return render(request, "industry/mutual_aid.html", {"page_obj": page, "query": query, "today": today})


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/mutual-aid/", mutual_aid_view, name="mutual-aid")
]
