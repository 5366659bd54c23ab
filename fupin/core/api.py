"""API glue shared by every app: the scope of the request and service errors as HTTP answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as ModelValidationError
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from fupin.core.exceptions import ApplicationError, ConflictError
from fupin.core.exceptions import PermissionDenied as ServicePermissionDenied
from fupin.core.scope import Scope, scope_of


def api_scope(request: Request) -> Scope:
    scope = scope_of(request)
    if scope.is_public:
        raise exceptions.PermissionDenied("该账号只能使用群众问题反映表")
    return scope


def fupin_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Service errors become 400, 403 or 409 with the Chinese message under `detail`."""
    if isinstance(exc, ConflictError):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ServicePermissionDenied):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ApplicationError):
        return Response(
            {"detail": exc.message, "errors": exc.field_errors}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, ModelValidationError):
        # A model constraint that a serializer did not check first is still the caller's bad input.
        errors = (
            {field: "；".join(messages) for field, messages in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {}
        )
        return Response(
            {"detail": "；".join(exc.messages), "errors": errors}, status=status.HTTP_400_BAD_REQUEST
        )
    return exception_handler(exc, context)
