"""Errors that services raise and views turn into clear Chinese messages."""

from __future__ import annotations


class ApplicationError(Exception):
    """A refused operation, with a message meant for the user."""

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class PermissionDenied(ApplicationError):
    """The user's role or area does not allow this change."""


class ConflictError(ApplicationError):
    """Someone else changed the record since it was read: the write is refused, never merged."""
