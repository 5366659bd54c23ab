"""What the industry pages share: the year a page is about, and a service refusal on a form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.web import int_or_none, put_refusal_on_form


def year_of(request: HttpRequest) -> int:
    """The `year` of the query string, this year when absent."""
    return int_or_none(request.GET.get("year")) or timezone.localdate().year


def refused(request: HttpRequest, form: forms.Form, error: ApplicationError) -> None:
    """A refusal of scope is a 403; any other goes on the form, with a message above the page."""
    if isinstance(error, ServicePermissionDenied):
        raise PermissionDenied(error.message) from error
    put_refusal_on_form(form, error)
    messages.error(request, f"未保存：{error.message}")
