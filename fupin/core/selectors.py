"""Reads of the change log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fupin.core.models import ChangeLog, TimestampedModel


def change_history(instance: TimestampedModel) -> QuerySet[ChangeLog]:
    """A record's 变更记录, newest first. Callers have already checked the user may see the record."""
    return ChangeLog.objects.filter(
        object_type=instance._meta.label_lower, object_id=instance.pk
    ).select_related("actor")


def change_history_of_many(model: type[TimestampedModel], ids: QuerySet[Any]) -> QuerySet[ChangeLog]:
    """The 变更记录 of several records of one model (e.g. a county's settings), newest first."""
    return (
        ChangeLog.objects.filter(object_type=model._meta.label_lower, object_id__in=ids)
        .select_related("actor")
        .order_by("-at", "-id")
    )
