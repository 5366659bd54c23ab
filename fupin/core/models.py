"""Base models: timestamps, optimistic versioning and the change log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields.json import KeyTransform, KeyTransformFactory
from django.db.models.functions import Cast
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


class SnapshotJSONField(models.JSONField):
    """A change-log snapshot: `json` on PostgreSQL, not `jsonb`.

    The log is written far more than it is searched: every created or changed record adds a row,
    a province's first import a million. Parsing each snapshot into jsonb took a third of that
    import's database time; `json` only checks the text and keeps it, fields in the order written.
    Lookups into a snapshot (rare: the log is read record by record) cast to jsonb on the way.
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None or isinstance(value, str):
            return super().from_db_value(value, expression, connection)
        return value  # psycopg decodes `json` itself

    def get_transform(self, name: str) -> Any:
        transform = super().get_transform(name)
        if isinstance(transform, KeyTransformFactory):
            return _KeyOfCastTransformFactory(name)
        return transform


class _KeyOfCastTransformFactory:
    """`after__<key>`: the key of the snapshot cast to jsonb, whose operators lookups use."""

    def __init__(self, key_name: str) -> None:
        self.key_name = key_name

    def __call__(self, lhs: Any, *args: Any, **kwargs: Any) -> KeyTransform:
        return KeyTransform(self.key_name, Cast(lhs, models.JSONField()), *args, **kwargs)


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
        db_index=False,  # a partial index below: imports from the command line have no user
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    # Not indexed: the log is read by record (the object index) and by id (rollups, the admin);
    # every index here is paid by every write, a million times by a province's import.
    at = models.DateTimeField(_("时间"))
    batch = models.CharField(_("批次"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=32, blank=True)
    before = SnapshotJSONField(_("修改前"), null=True, blank=True)
    after = SnapshotJSONField(_("修改后"), null=True, blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="changelog_object_idx"),
            models.Index(
                fields=["actor"], condition=models.Q(actor__isnull=False), name="changelog_actor_idx"
            ),
        ]

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
