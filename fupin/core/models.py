"""Base models: timestamps, optimistic versioning and the change log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

JSON = dict[str, Any]


class TimestampedModel(models.Model):
    """created_at / updated_at, plus a version that concurrent edits are checked against."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True

    def audit_snapshot(self) -> JSON:
        """The record as the change log keeps it; subclasses mask sensitive fields."""
        raise NotImplementedError


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class ChangeLog(models.Model):
    """Who changed which record when, and the record before and after (变更记录)."""

    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.BigIntegerField(_("对象ID"))
    object_repr = models.CharField(_("对象"), max_length=200)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    batch = models.CharField(_("批次"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=32, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="changelog_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field that differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


_LABELS: dict[type[models.Choices], dict[Any, str]] = {}


def choice_label(choices: type[models.Choices], value: Any) -> str:
    """The label of a choice value as plain text, "" for an empty value.

    The change log snapshots every imported record; Django's get_FOO_display rebuilds the choice
    map on each call, which made snapshots the slowest part of a large import.
    """
    if value in (None, ""):
        return ""
    labels = _LABELS.get(choices)
    if labels is None:
        labels = _LABELS[choices] = {member.value: str(member.label) for member in choices}
    return labels.get(value, str(value))


def coordinate_constraints(prefix: str) -> list[models.CheckConstraint]:
    """WGS-84 ranges for a model's optional `longitude` and `latitude` (named `<prefix>_..._range`)."""
    return [
        models.CheckConstraint(
            condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
            name=f"{prefix}_longitude_range",
        ),
        models.CheckConstraint(
            condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
            name=f"{prefix}_latitude_range",
        ),
    ]
