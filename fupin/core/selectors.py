"""Reads of the change log."""

from __future__ import annotations

from django.db.models import QuerySet

from fupin.core.models import ChangeLog, TimestampedModel


def change_history(instance: TimestampedModel) -> QuerySet[ChangeLog]:
    """A record's 变更记录, newest first. Callers have already checked the user may see the record."""
    return ChangeLog.objects.filter(
        object_type=instance._meta.label_lower, object_id=instance.pk
    ).select_related("actor")
