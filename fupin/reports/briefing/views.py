"""The briefing on the site (its page with a download row, and the files) and the county office's
page that edits the template. Permissions are those of the figures API: area-wide roles, an area
inside the user's scope."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core import areacode
from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.web import StyledForm, int_or_none, put_refusal_on_form, staff_scope
from fupin.reports import labels
from fupin.reports.briefing.paths import MAPS, SCALARS
from fupin.reports.briefing.selectors import briefing_for, county_template
from fupin.reports.briefing.services import briefing_template_save, may_edit_templates
from fupin.reports.briefing.template import BriefingTemplateText
from fupin.reports.briefing.writers import CONTENT_TYPES, FORMATS, to_html_body, write
from fupin.reports.figures import figures_area
from fupin.reports.selectors import FiguresPending

DOWNLOADS = (("docx", "Word"), ("pdf", "PDF"), ("md", "Markdown"))


def _default_month() -> str:
    today = timezone.localdate()
    return f"{today.year:04d}-{today.month:02d}"


@login_required
@require_GET
def briefing_view(request: HttpRequest) -> HttpResponse:
    """GET ?area=&month=&as_of=&format=docx|pdf|html|md — html (the default) is the page."""
    scope = staff_scope(request)
    if not scope.is_area_wide:
        raise PermissionDenied("工作简报仅对县、乡镇两级账号开放")
    form = request.GET.get("format") or "html"
    month = (request.GET.get("month") or _default_month()).strip()
    as_of = (request.GET.get("as_of") or "").strip() or None
    context: dict[str, Any] = {"month": month, "as_of": as_of or "", "area_code": request.GET.get("area", "")}
    try:
        if form not in FORMATS:
            raise ApplicationError(f"格式“{form}”无效，应为 docx、pdf、html 或 md")
        area = figures_area(scope, request.GET.get("area"))
        if not scope.covers_code(area.code):
            raise PermissionDenied("该区划不在您的管辖范围内")
        briefing = briefing_for(area, month, as_of)
        if form != "html":
            return _download(briefing.area_name, briefing.month, form, write(briefing, form))
    except FiguresPending:
        context["pending"] = True
        response = render(request, "reports/briefing.html", context, status=503)
        response["Retry-After"] = "10"
        return response
    except ApplicationError as error:
        context["error"] = error.message
        status = 503 if form == "pdf" and "LibreOffice" in error.message else 400
        return render(request, "reports/briefing.html", context, status=status)
    query = {"area": area.code, "month": briefing.month} | ({"as_of": as_of} if as_of else {})
    context |= {
        "briefing": briefing,
        "area": area,
        "area_code": area.code,
        "body": to_html_body(briefing),
        "downloads": [(label, f"?{urlencode(query | {'format': name})}") for name, label in DOWNLOADS],
        "may_edit": may_edit_templates(scope, areacode.county_code_of(area.code)),
    }
    return render(request, "reports/briefing.html", context)


def _download(area_name: str, month: str, form: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[form])
    filename = quote(f"{area_name}{month}工作简报.{form}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


class TemplateForm(StyledForm):
    title = forms.CharField(label="简报标题", max_length=200)
    office = forms.CharField(label="发文机关", max_length=100)
    body = forms.CharField(label="正文模板", widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def text(self) -> BriefingTemplateText:
        data = self.cleaned_data
        body = data["body"].replace("\r\n", "\n").replace("\r", "\n")
        return BriefingTemplateText(title=data["title"].strip(), office=data["office"].strip(), body=body)


def _county_of(request: HttpRequest) -> str:
    scope = staff_scope(request)
    asked = (request.GET.get("county") or request.POST.get("county") or "").strip()
    if not (asked or scope.root_area_code):
        raise PermissionDenied("请用 ?county=县区划代码 指定要修改哪个县的简报模板")
    county_code = areacode.county_code_of(asked or scope.root_area_code or "")
    if not areacode.is_area_code(county_code) or not may_edit_templates(scope, county_code):
        raise PermissionDenied("只有县扶贫办可以修改本县的工作简报模板")
    return county_code


def figure_catalogue() -> list[tuple[str, str, str]]:
    """(section, path, Chinese name) of every plain figure, and the maps, for the editing page."""
    rows = []
    for section, keys in SCALARS.items():
        for key in sorted(keys):
            rows.append(
                (labels.section_label(section), f"{section}.{key}", labels.figure_label(section, key))
            )
    for path in MAPS:
        section, key = path.split(".", 1)
        rows.append((labels.section_label(section), path, labels.figure_label(section, key)))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def briefing_templates_view(request: HttpRequest) -> HttpResponse:
    county_code = _county_of(request)
    current = county_template(county_code)
    initial = {
        "title": current.text.title,
        "office": current.text.office,
        "body": current.text.body,
        "version": current.version,
    }
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            briefing_template_save(
                actor=Actor.of(request.user),
                scope=staff_scope(request),
                county_code=county_code,
                text=form.text(),
                expected_version=int_or_none(str(form.cleaned_data["version"])) or 0,
            )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            messages.success(request, "已保存工作简报模板，此后生成的简报按新模板书写")
            return redirect(f"{reverse('briefing-templates')}?{urlencode({'county': county_code})}")
    context = {
        "form": form,
        "county_code": county_code,
        "current": current,
        "catalogue": figure_catalogue(),
        "preview": f"{reverse('briefing-download')}?{urlencode({'area': county_code})}",
    }
    return render(
        request, "reports/briefing_templates.html", context, status=400 if request.method == "POST" else 200
    )
