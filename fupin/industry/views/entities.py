"""Pages of business entities (新型经营主体) and their benefit links (利益联结): the entities in the
area with their linked households and the year's income to them, one entity's households, and the
form that enters or corrects (versioned) an entity, a household's link to it and the link's
income in a year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.selectors import area_get
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.web import paginate, put_refusal_on_form, staff_scope
from fupin.industry.forms import EntityForm, LinkForm, LinkIncomeForm
from fupin.industry.models import BenefitLink, BusinessEntity, EntityKind, LinkIncome
from fupin.industry.money import fen_to_yuan, yuan_to_fen
from fupin.industry.selectors.entities import entity_get, entity_links, entity_list
from fupin.industry.selectors.industries import industry_list
from fupin.industry.services.entities import (
    entity_create,
    entity_update,
    link_create,
    link_income_record,
    link_update,
)
from fupin.industry.views.common import refused, year_of
from fupin.registry.selectors import household_get


@login_required
@require_GET
def entity_list_view(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request)
    year = year_of(request)
    kind = request.GET.get("kind", "")
    entities = entity_list(scope, year=year, kind=kind if kind in EntityKind.values else "")
    page, query = paginate(request, entities)
    return render(
        request,
        "industry/entity_list.html",
        {
            "page_obj": page,
            "query": query,
            "year": year,
            "kinds": EntityKind.choices,
            "may_manage": scope.can_manage,
        },
    )


@login_required
@require_GET
def entity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = staff_scope(request)
    entity = entity_get(scope, pk)
    if entity is None:
        raise Http404
    year = year_of(request)
    page, query = paginate(request, entity_links(scope, entity, year))
    return render(
        request,
        "industry/entity_detail.html",
        {
            "entity": entity,
            "year": year,
            "page_obj": page,
            "query": query,
            "may_manage": scope.can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entity_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以维护经营主体")
    entity = entity_get(scope, pk) if pk is not None else None
    if pk is not None and entity is None:
        raise Http404
    initial = (
        {
            "code": entity.code,
            "name": entity.name,
            "kind": entity.kind,
            "area_code": entity.area_code,
            "industry": entity.industry_id,
            "established_on": entity.established_on,
            "version": entity.version,
        }
        if entity
        else {}
    )
    form = EntityForm(
        request.POST or None, initial=initial, industries=industry_list(scope), editing=entity is not None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = area_get(scope, data["area_code"].strip())
        if area is None:
            form.add_error("area_code", "区划代码不存在或不在您的管辖范围内")
        else:
            actor = Actor.of(request.user)
            fields = {
                "name": data["name"],
                "kind": data["kind"],
                "area": area,
                "industry": data["industry"],
                "established_on": data["established_on"],
            }
            try:
                if entity is None:
                    saved = entity_create(actor=actor, scope=scope, code=data["code"], **fields)
                else:
                    saved = entity_update(
                        actor=actor, scope=scope, entity=entity, expected_version=data["version"], **fields
                    )
            except ServicePermissionDenied as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                put_refusal_on_form(form, error)
                messages.error(request, f"未保存：{error.message}")
            else:
                messages.success(request, f"已保存经营主体“{saved.name}”。")
                return redirect("industry:entity-detail", saved.pk)
    return render(request, "industry/entity_form.html", {"form": form, "entity": entity})


def _entity_and_link(
    request: HttpRequest, pk: int, link_pk: int | None
) -> tuple[BusinessEntity, BenefitLink | None]:
    scope = staff_scope(request)
    if not scope.can_manage:
        raise PermissionDenied("只有县扶贫办可以维护利益联结")
    entity = entity_get(scope, pk)
    if entity is None:
        raise Http404
    if link_pk is None:
        return entity, None
    link = (
        BenefitLink.objects.filter(scope.area_q("area_code"), entity=entity, pk=link_pk)
        .select_related("household", "entity")
        .first()
    )
    if link is None:
        raise Http404
    return entity, link


@login_required
@require_http_methods(["GET", "POST"])
def link_form_view(request: HttpRequest, pk: int, link_pk: int | None = None) -> HttpResponse:
    scope = staff_scope(request)
    entity, link = _entity_and_link(request, pk, link_pk)
    initial = (
        {
            "household_code": link.household.code,
            "link_type": link.link_type,
            "signed_on": link.signed_on,
            "ends_on": link.ends_on,
            "version": link.version,
        }
        if link
        else {}
    )
    form = LinkForm(request.POST or None, initial=initial, editing=link is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = link.household if link else household_get(scope, data["household_code"].strip())
        if household is None:
            form.add_error("household_code", "户编号不存在或不在您的管辖范围内")
        else:
            actor = Actor.of(request.user)
            try:
                if link is None:
                    link_create(
                        actor=actor,
                        scope=scope,
                        entity=entity,
                        household=household,
                        link_type=data["link_type"],
                        signed_on=data["signed_on"],
                        ends_on=data["ends_on"],
                    )
                else:
                    link_update(
                        actor=actor,
                        scope=scope,
                        link=link,
                        expected_version=data["version"],
                        link_type=data["link_type"],
                        signed_on=data["signed_on"],
                        ends_on=data["ends_on"],
                    )
            except ApplicationError as error:
                refused(request, form, error)
            else:
                messages.success(request, f"已保存户 {household.code} 的利益联结。")
                return redirect("industry:entity-detail", entity.pk)
    return render(request, "industry/link_form.html", {"form": form, "entity": entity, "link": link})


@login_required
@require_http_methods(["GET", "POST"])
def link_income_view(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    scope = staff_scope(request)
    entity, link = _entity_and_link(request, pk, link_pk)
    assert link is not None
    year = year_of(request)
    stored = LinkIncome.objects.filter(link=link, year=year).first()
    initial = (
        {"year": year, "income": fen_to_yuan(stored.income_fen), "version": stored.version}
        if stored
        else {"year": year}
    )
    form = LinkIncomeForm(request.POST or None, initial=initial)
    form.fields["year"].disabled = True  # chosen above the form, so the version is that year's
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link_income_record(
                actor=Actor.of(request.user),
                scope=scope,
                link=link,
                year=data["year"],
                income_fen=yuan_to_fen(data["income"]),
                expected_version=data["version"],
            )
        except ApplicationError as error:
            refused(request, form, error)
        else:
            messages.success(request, f"已保存户 {link.household.code} {data['year']}年的联结收益。")
            return redirect(f"{reverse('industry:entity-detail', args=[entity.pk])}?year={data['year']}")
    return render(
        request,
        "industry/link_income_form.html",
        {"form": form, "entity": entity, "link": link, "year": year},
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("industry/entities/", entity_list_view, name="entity-list"),
    path("industry/entities/new/", entity_form_view, name="entity-create"),
    path("industry/entities/<int:pk>/", entity_detail_view, name="entity-detail"),
    path("industry/entities/<int:pk>/edit/", entity_form_view, name="entity-edit"),
    path("industry/entities/<int:pk>/links/new/", link_form_view, name="link-create"),
    path("industry/entities/<int:pk>/links/<int:link_pk>/", link_form_view, name="link-edit"),
    path("industry/entities/<int:pk>/links/<int:link_pk>/income/", link_income_view, name="link-income"),
]
