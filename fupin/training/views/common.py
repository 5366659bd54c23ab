"""Helpers of the training pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fupin.core.scope import Scope
from fupin.people.models import Cadre
from fupin.training.selectors.trainings import Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_of(request: HttpRequest) -> Period:
    """?year=2019&month=11 (month optional); this year when not given or not a number."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    month_text = request.GET.get("month") or ""
    month = int(month_text) if month_text.isdigit() and 1 <= int(month_text) <= 12 else None
    return Period(year=min(max(year, 2000), 2100), month=month)


def own_cadre(scope: Scope) -> Cadre:
    if scope.cadre_id is None:
        raise PermissionDenied("您的账号未关联干部")
    return Cadre.objects.get(pk=scope.cadre_id)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
