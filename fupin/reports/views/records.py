"""Pages of the reports app: the records behind a figure (the drill-down)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.views.decorators.http import require_GET

from fupin.core.exceptions import ApplicationError
from fupin.core.scope import scope_of
from fupin.core.web import paginate
from fupin.reports.records import total_of
from fupin.reports.records_page import (
    NotAreaWide,
    OutsideScope,
    RecordsQuery,
    UnknownFigure,
    records_query,
    records_xlsx,
    total_text,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DASHBOARD_PATH = "/reports/dashboard/"


@login_required
@require_GET
def figure_records_view(request: HttpRequest) -> HttpResponse:
    try:
        query = records_query(scope_of(request), request.GET)
    except ApplicationError as error:
        return _refusal(request, error)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(records_xlsx(query), content_type=XLSX)
        filename = quote(f"{query.label}_{query.area.name}_{query.month_text}.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
    source = query.source
    rows = query.rows()
    page, page_query = paginate(request, rows)  # type: ignore[arg-type]
    table = [
        ([column.value(row) for column in source.columns], source.link(row) if source.link else None)
        for row in page
    ]
    context = {
        "records": query,
        "page_obj": page,
        "query": page_query,
        "table": table,
        "headers": [column.header for column in source.columns],
        "total_count": page.paginator.count,
        "total": total_text(query, total_of(source, rows)),
        "amount_header": source.amount_header,
        "dashboard_url": _dashboard_url(query),
        "xlsx_url": f"?{page_query}&format=xlsx" if page_query else "?format=xlsx",
    }
    return render(request, "reports/records.html", context)


def _refusal(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    status = 400
    if isinstance(error, NotAreaWide | OutsideScope):
        status = 403
    elif isinstance(error, UnknownFigure):
        status = 404
    return render(request, "reports/records_refused.html", {"error": error}, status=status)


def _dashboard_url(query: RecordsQuery) -> str | None:
    """The dashboard of the same area and month, where it exists on this installation."""
    try:
        base = reverse("dashboard")
    except NoReverseMatch:
        try:
            resolve(DASHBOARD_PATH)
        except Resolver404:
            return None
        base = DASHBOARD_PATH
    return f"{base}?{urlencode({'area': query.area.code, 'month': query.month_text})}"
