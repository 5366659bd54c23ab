"""Small helpers shared by every app's views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode

from fupin.core.exceptions import ApplicationError
from fupin.core.scope import Scope, scope_of

PAGE_SIZE = 50


def staff_scope(request: HttpRequest) -> Scope:
    """The scope of a signed-in non-public user; the public only ever see the public problem form."""
    scope = scope_of(request)
    if scope.is_public:
        raise PermissionDenied("该账号只能使用群众问题反映表")
    return scope


def signed_in_user(request: HttpRequest) -> User:
    """The request's user; views that call this are behind login_required."""
    assert isinstance(request.user, User)
    return request.user


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE
) -> tuple[Page[Any], str]:
    """A page of `queryset` and the query string (without page) for the pagination links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page" and v])
    return page, query


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    """A browser date picker. It takes only ISO dates: the zh-hans format 2019/10/12 would leave the
    picker blank when a form is shown again with its values."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def put_refusal_on_form(form: forms.Form, error: ApplicationError) -> None:
    """A service's refusal on the form it came from: each field error on its field (on top when the
    form has no such field), and the message on top when the refusal names no field."""
    for field, message in error.field_errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)
