"""What the employment pages share: a service write whose refusal lands on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from fupin.core.exceptions import ApplicationError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.web import put_refusal_on_form

T = TypeVar("T")


def saved(
    request: HttpRequest,
    form: forms.Form | None,
    write: Callable[[], T],
    aliases: dict[str, str] | None = None,
) -> T | None:
    """One service write; a refusal of permission is a 403, any other refusal goes onto the form
    and into a message, and None says nothing was saved. `aliases` names the form field of a
    service's field (the service's `area` is the form's `area_code`)."""
    try:
        return write()
    except ServicePermissionDenied as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        if aliases:
            error.field_errors = {aliases.get(k, k): v for k, v in error.field_errors.items()}
        if form is not None:
            put_refusal_on_form(form, error)
        messages.error(request, f"未保存：{error.message}")
        return None
