"""The apps' door (POST /api/problems/webhook/<slug>/) and the county office's pages configuring the
apps allowed through it. The door answers JSON: 201 with the problem's code when it filed one, 200
with the first code when the message was seen before, and a Chinese `error` otherwise (401 for a
missing or forged signature or a stale timestamp, 403 for a disabled app, 404 for an unknown one)."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.audit import Actor
from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.scope import Scope
from fupin.core.web import int_or_none, put_refusal_on_form, staff_scope
from fupin.rectification.forms_intake import WebhookAppForm
from fupin.rectification.selectors.intake import (
    app_counties,
    webhook_app_by_slug,
    webhook_app_get,
    webhook_app_list,
)
from fupin.rectification.services.webhook import (
    BODY_MAX_BYTES,
    may_manage_apps,
    message_parse,
    signature_refusal,
    webhook_app_create,
    webhook_app_rotate_secret,
    webhook_app_set_active,
    webhook_message_receive,
)

SESSION_KEY = "rectification_webhook_secret"


def _error(message: str, status: int, field_errors: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "field_errors": field_errors or {}}, status=status)


@csrf_exempt  # authenticated by the HMAC signature, not by a browser session
@require_POST
def webhook_view(request: HttpRequest, slug: str) -> JsonResponse:
    app = webhook_app_by_slug(slug)
    if app is None:
        return _error("未知的应用", 404)
    if not app.active:
        return _error("该应用已停用", 403)
    if (int_or_none(request.META.get("CONTENT_LENGTH")) or 0) > BODY_MAX_BYTES:
        return _error(f"消息不能超过{BODY_MAX_BYTES // 1024}KB", 413)
    body = request.body
    refusal = signature_refusal(
        secret=app.secret,
        timestamp=request.headers.get("X-Fupin-Timestamp", "").strip(),
        signature=request.headers.get("X-Fupin-Signature", ""),
        body=body,
        now=time.time(),
    )
    if refusal is not None:
        return _error(refusal, 401)
    try:
        received = webhook_message_receive(app=app, message=message_parse(body))
    except ServicePermissionDenied as error:
        return _error(error.message, 403)
    except ApplicationError as error:
        return _error(error.message, 400, error.field_errors)
    return JsonResponse(
        {"code": received.problem_code, "created": received.created}, status=201 if received.created else 200
    )


# -- the apps' configuration ---------------------------------------------------------------------
def _managing_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not may_manage_apps(scope):
        raise PermissionDenied("只有县扶贫办可以配置应用接入")
    return scope


def _show_secret_once(request: HttpRequest, slug: str, secret: str) -> HttpResponse:
    request.session[SESSION_KEY] = {"slug": slug, "secret": secret}
    return redirect("rectification:webhook-app-secret", slug=slug)


@login_required
@require_GET
def webhook_app_list_view(request: HttpRequest) -> HttpResponse:
    scope = _managing_scope(request)
    apps = webhook_app_list(scope)
    return render(request, "rectification/webhook_apps.html", {"apps": apps})


@login_required
@require_http_methods(["GET", "POST"])
def webhook_app_create_view(request: HttpRequest) -> HttpResponse:
    scope = _managing_scope(request)
    form = WebhookAppForm(request.POST or None, counties=app_counties(scope))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app, secret = webhook_app_create(
                actor=Actor.of(request.user),
                scope=scope,
                county=data["county"],
                name=data["name"],
                slug=data["slug"],
                channel=data["channel"],
            )
        except ApplicationError as error:
            put_refusal_on_form(form, error)
        else:
            return _show_secret_once(request, app.slug, secret)
    return render(request, "rectification/webhook_app_form.html", {"form": form})


@never_cache
@login_required
@require_GET
def webhook_app_secret_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The secret, once: it leaves the session as it is shown, and a reload shows it no more."""
    scope = _managing_scope(request)
    app = webhook_app_get(scope, slug)
    if app is None:
        raise Http404
    shown = request.session.get(SESSION_KEY)
    if not shown or shown.get("slug") != slug:
        messages.info(request, "密钥只在创建或更换时显示一次。如已遗失，请更换密钥。")
        return redirect("rectification:webhook-app-list")
    del request.session[SESSION_KEY]
    url = request.build_absolute_uri(reverse("rectification:webhook", args=[app.slug]))
    return render(
        request, "rectification/webhook_app_secret.html", {"app": app, "secret": shown["secret"], "url": url}
    )


def _posted_version(request: HttpRequest) -> int:
    return int_or_none(request.POST.get("version")) or 0


@login_required
@require_POST
def webhook_app_rotate_view(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _managing_scope(request)
    app = webhook_app_get(scope, slug)
    if app is None:
        raise Http404
    try:
        secret = webhook_app_rotate_secret(
            actor=Actor.of(request.user), scope=scope, app=app, expected_version=_posted_version(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("rectification:webhook-app-list")
    return _show_secret_once(request, app.slug, secret)


@login_required
@require_POST
def webhook_app_active_view(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _managing_scope(request)
    app = webhook_app_get(scope, slug)
    if app is None:
        raise Http404
    active = request.POST.get("active") == "1"
    try:
        webhook_app_set_active(
            actor=Actor.of(request.user),
            scope=scope,
            app=app,
            active=active,
            expected_version=_posted_version(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}“{app.name}”。")
    return redirect("rectification:webhook-app-list")


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/problems/webhook/<slug:slug>/", webhook_view, name="webhook"),
    path("rectification/apps/", webhook_app_list_view, name="webhook-app-list"),
    path("rectification/apps/new/", webhook_app_create_view, name="webhook-app-create"),
    path("rectification/apps/<slug:slug>/secret/", webhook_app_secret_view, name="webhook-app-secret"),
    path("rectification/apps/<slug:slug>/rotate/", webhook_app_rotate_view, name="webhook-app-rotate"),
    path("rectification/apps/<slug:slug>/active/", webhook_app_active_view, name="webhook-app-active"),
]
