"""Argument values shared by the platform's management commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def iso_date(text: str) -> dt.date:
    """A --date argument: YYYY-MM-DD, refused in Chinese otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”应为 YYYY-MM-DD") from None
