"""The one home for change-log writes. Services call these; nothing else writes ChangeLog."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from fupin.core import sql
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


def create_with_change(actor: Actor, instance: TimestampedModel) -> bool:
    """Insert a new record and its CREATE change-log row; False when a unique constraint already
    holds such a record (nothing is written then).

    On PostgreSQL both rows go in one statement, one round trip: the hot write paths (check-ins
    from phones and apps) pay for every round trip. Elsewhere a savepoint holds the two inserts.
    On PostgreSQL the model's own save() is not called: `instance` must be complete as it is.
    """
    if connection.vendor == "postgresql":
        return _create_with_change_in_one_statement(actor, instance)
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
            record_change(actor, instance, action=ChangeAction.CREATE, before=None)
    except IntegrityError:
        return False
    return True


def _create_with_change_in_one_statement(actor: Actor, instance: TimestampedModel) -> bool:
    model = type(instance)
    fields = sql.insert_fields(model)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    entry = change_entry(
        actor, instance, action=ChangeAction.CREATE, before=None, after=instance.audit_snapshot()
    )
    log_fields = sql.insert_fields(ChangeLog, leave_out="object_id")
    log_values = [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in log_fields]
    statement = _insert_with_change_sql(model)
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, *log_values])
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return True


@functools.cache
def _insert_with_change_sql(model: type[TimestampedModel]) -> str:
    """INSERT … ON CONFLICT DO NOTHING of `model`, and of its change-log row when a row went in."""
    fields = sql.insert_fields(model)
    log_fields = sql.insert_fields(ChangeLog, leave_out="object_id")
    pk = sql.column(model, model._meta.pk.name)
    return (
        f"WITH new AS (INSERT INTO {sql.table(model)} ({_columns(fields)}) "  # noqa: S608 (names from the models)
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING {pk}), "
        f"log AS (INSERT INTO {sql.table(ChangeLog)} ({_columns(log_fields)}, "
        f"{sql.column(ChangeLog, 'object_id')}) SELECT {', '.join(['%s'] * len(log_fields))}, {pk} FROM new) "
        f"SELECT {pk} FROM new"
    )


def _columns(fields: list[Field[Any, Any]]) -> str:
    return ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
