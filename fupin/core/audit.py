"""The one home for change-log writes. Services call these; nothing else writes ChangeLog."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.utils import timezone

from fupin.core.models import JSON, ChangeAction, ChangeLog, TimestampedModel


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a user, or a named process (an import run from the command line)."""

    user: User | None
    name: str
    source: str = "web"
    batch: str = ""

    @classmethod
    def of(
        cls, user: AbstractBaseUser | AnonymousUser | None, *, source: str = "web", batch: str = ""
    ) -> Actor:
        if user is None or not user.is_authenticated:
            return cls(user=None, name="系统", source=source, batch=batch)
        assert isinstance(user, User)
        return cls(user=user, name=user.get_username(), source=source, batch=batch)

    @classmethod
    def system(cls, name: str, *, source: str = "cli", batch: str = "") -> Actor:
        return cls(user=None, name=name, source=source, batch=batch)


def object_type_of(instance: TimestampedModel) -> str:
    return instance._meta.label_lower


def created_snapshot(snapshot: JSON) -> JSON:
    """What a CREATE row keeps: the fields that were given. An empty field says nothing about a new
    record, and leaving it out halves the change log of a large import."""
    return {name: value for name, value in snapshot.items() if value is not None and value != ""}


def change_entry(
    actor: Actor,
    instance: TimestampedModel,
    *,
    action: ChangeAction,
    before: JSON | None,
    after: JSON | None,
) -> ChangeLog:
    """An unsaved change-log row; bulk writers collect these and save them with bulk_create."""
    if action == ChangeAction.CREATE and after is not None:
        after = created_snapshot(after)
    return ChangeLog(
        object_type=object_type_of(instance),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        action=action,
        actor=actor.user,
        actor_name=actor.name[:150],
        at=timezone.now(),
        batch=actor.batch,
        source=actor.source,
        before=before,
        after=after,
    )


def record_change(
    actor: Actor,
    instance: TimestampedModel,
    *,
    action: ChangeAction,
    before: JSON | None,
) -> ChangeLog:
    after = None if action == ChangeAction.DELETE else instance.audit_snapshot()
    entry = change_entry(actor, instance, action=action, before=before, after=after)
    entry.save()
    return entry


def record_changes(entries: Iterable[ChangeLog]) -> None:
    ChangeLog.objects.bulk_create(list(entries), batch_size=2000)
