"""Pages of featured industries (特色产业): the county's list with each industry's households and
scale in a year and the coverage of poor households by medium/long-term industries, one industry's
households, the list of poor households still without such an industry, the list's edit form, and
the form that enters or corrects (versioned) one household's industry in a year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.models import Area
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.web import paginate, put_refusal_on_form, staff_scope
from fupin.industry.forms import HouseholdIndustryForm, IndustryForm
from fupin.industry.models import FeaturedIndustry, HouseholdIndustry
from fupin.industry.selectors.industries import (
    coverage,
    industry_get,
    industry_households,
    industry_rows,
    uncovered_households,
)
from fupin.industry.services.industries import (
    featured_industry_create,
    featured_industry_update,
    household_industry_create,
    household_industry_update,
)
from fupin.industry.views.common import year_of
from fupin.registry.selectors import household_get


@login_required
@require_GET
def industry_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = year_of(request)
    return render(
        request,
        "industry/industry_list.html",
        {
            "rows": industry_rows(scope, year),
            "year": year,
            "coverage": coverage(scope, year),
            "may_manage": scope.can_manage,
        },
    )


@login_required
@require_GET
def industry_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    industry = industry_get(scope, pk)
    if industry is None:
        raise Http404
    year = year_of(request)
    page, query = paginate(request, industry_households(scope, industry, year))
    return render(
        request,
        "industry/industry_detail.html",
        {
            "industry": industry,
            "year": year,
            "page_obj": page,
            "query": query,
            "may_manage": scope.can_manage,
        },
    )


@login_required
@require_GET
def uncovered_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = year_of(request)
    page, query = paginate(request, uncovered_households(scope, year))
    return render(
        request,
        "industry/industry_uncovered.html",
        {"year": year, "page_obj": page, "query": query, "coverage": coverage(scope, year)},
    )


def _saved(request: HttpRequest, form: IndustryForm, write: object) -> FeaturedIndustry | None:
    assert callable(write)
    try:
        result = write()
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        put_refusal_on_form(form, error)
        messages.error(request, f"未保存：{error.message}")
        return None
    assert isinstance(result, FeaturedIndustry)
    return result


@login_required
@require_http_methods(["GET", "POST"])
def industry_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以维护特色产业")
    industry = industry_get(scope, pk) if pk is not None else None
    if pk is not None and industry is None:
        raise Http404
    initial = (
        {
            f: getattr(industry, f)
            for f in ("code", "name", "scale_unit", "medium_long_term", "order", "version")
        }
        if industry
        else {"medium_long_term": True, "order": 0}
    )
    form = IndustryForm(request.POST or None, initial=initial, editing=industry is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.of(request.user)
        if industry is not None:
            saved = _saved(
                request,
                form,
                lambda: featured_industry_update(
                    actor=actor,
                    scope=scope,
                    industry=industry,
                    expected_version=data["version"],
                    name=data["name"],
                    scale_unit=data["scale_unit"],
                    medium_long_term=data["medium_long_term"],
                    order=data["order"],
                ),
            )
        else:
            county = Area.objects.filter(code=f"{(scope.root_area_code or '')[:6]}000000").first()
            if county is None:
                raise PermissionDenied("您的账号不属于某个县")
            saved = _saved(
                request,
                form,
                lambda: featured_industry_create(
                    actor=actor,
                    scope=scope,
                    county=county,
                    code=data["code"],
                    name=data["name"],
                    scale_unit=data["scale_unit"],
                    medium_long_term=data["medium_long_term"],
                    order=data["order"],
                ),
            )
        if saved is not None:
            messages.success(request, f"已保存特色产业“{saved.name}”。")
            return redirect("industry:industry-list")
    return render(request, "industry/industry_form.html", {"form": form, "industry": industry})


@login_required
@require_http_methods(["GET", "POST"])
def household_industry_form_view(request: HttpRequest, pk: int, record_pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以登记户的产业")
    industry = industry_get(scope, pk)
    if industry is None:
        raise Http404
    record: HouseholdIndustry | None = None
    if record_pk is not None:
        record = industry_households(scope, industry, None).filter(pk=record_pk).first()
        if record is None:
            raise Http404
    initial = (
        {
            "household_code": record.household.code,
            "year": record.year,
            "scale": record.scale,
            "version": record.version,
        }
        if record
        else {"year": year_of(request)}
    )
    form = HouseholdIndustryForm(request.POST or None, initial=initial, editing=record is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = record.household if record else household_get(scope, data["household_code"].strip())
        if household is None:
            form.add_error("household_code", "户编号不存在或不在您的管辖范围内")
        else:
            actor = Actor.of(request.user)
            try:
                if record is None:
                    saved = household_industry_create(
                        actor=actor,
                        scope=scope,
                        household=household,
                        industry=industry,
                        year=data["year"],
                        scale=data["scale"],
                    )
                else:
                    saved = household_industry_update(
                        actor=actor,
                        scope=scope,
                        record=record,
                        expected_version=data["version"],
                        scale=data["scale"],
                    )
            except ServicePermissionDenied as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                put_refusal_on_form(form, error)
                messages.error(request, f"未保存：{error.message}")
            else:
                messages.success(request, f"已保存户 {household.code} {saved.year}年的“{industry.name}”。")
                return redirect(
                    f"{reverse('industry:industry-detail', args=[industry.pk])}?year={saved.year}"
                )
    return render(
        request,
        "industry/household_industry_form.html",
        {"form": form, "industry": industry, "record": record},
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/", industry_list_view, name="industry-list"),
    path("industry/new/", industry_form_view, name="industry-create"),
    path("industry/uncovered/", uncovered_view, name="industry-uncovered"),
    path("industry/<int:pk>/", industry_detail_view, name="industry-detail"),
    path("industry/<int:pk>/edit/", industry_form_view, name="industry-edit"),
    path("industry/<int:pk>/households/new/", household_industry_form_view, name="household-industry-create"),
    path(
        "industry/<int:pk>/households/<int:record_pk>/",
        household_industry_form_view,
        name="household-industry-edit",
    ),
]
