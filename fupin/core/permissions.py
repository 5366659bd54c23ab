"""DRF permission classes, kept apart from fupin.core.api so that settings can name them without
importing rest_framework.views (which reads the settings: a circular import)."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from fupin.core.scope import scope_of


class IsStaff(permissions.BasePermission):
    """Signed in with a role that may use the API: every role but the public's."""

    message = "该账号只能使用群众问题反映表"

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and not scope_of(request).is_public
