"""Bulk upsert by a natural key, with change-log rows: the write path of every ledger import."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from fupin.core.audit import Actor, change_entry, record_change, record_changes
from fupin.core.exceptions import ConflictError
from fupin.core.models import ChangeAction, TimestampedModel

M = TypeVar("M", bound=TimestampedModel)
CHUNK = 2000  # well below SQLite's bound-parameter limit


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: UpsertResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def _stored_value(instance: models.Model, field_name: str) -> Any:
    field = instance._meta.get_field(field_name)
    return getattr(instance, field.attname)  # type: ignore[union-attr]


def _incoming_value(instance: models.Model, field_name: str, value: Any) -> Any:
    field = instance._meta.get_field(field_name)
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def fetch_by_key(
    source: type[M] | QuerySet[M], key: str, keys: Sequence[Any], select_related: Sequence[str] = ()
) -> dict[Any, M]:
    """Records (of a model, or of a queryset) whose `key` is one of `keys`, keyed by it: one query
    per chunk of keys, never one per row."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    if select_related:
        queryset = queryset.select_related(*select_related)
    found: dict[Any, M] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for obj in queryset.filter(**{f"{key}__any": chunk}):
            found[getattr(obj, key)] = obj
    return found


def _key_part(model: type[M], name: str, value: Any) -> Any:
    """A key component as stored: the primary key of a related record, else the value itself."""
    field = model._meta.get_field(name)
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def composite_key_of(model: type[M], fields: Sequence[str], values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(_key_part(model, name, values[name]) for name in fields)


def stored_composite_key(instance: M, fields: Sequence[str]) -> tuple[Any, ...]:
    return tuple(_stored_value(instance, name) for name in fields)


def fetch_by_composite_key(
    model: type[M], fields: Sequence[str], keys: Sequence[tuple[Any, ...]]
) -> dict[tuple[Any, ...], M]:
    """Records by a key of several fields (e.g. cadre + household + start date).

    Each chunk is fetched with one `IN` per component, a superset of the wanted keys that the
    exact tuples then narrow down: portable, and bounded by the rows the chunk's values touch.
    """
    found: dict[tuple[Any, ...], M] = {}
    wanted = set(keys)
    ordered = list(dict.fromkeys(keys))
    step = max(1, CHUNK // len(fields))
    attnames = [model._meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]
    for start in range(0, len(ordered), step):
        chunk = ordered[start : start + step]
        lookups = {f"{attname}__in": {key[i] for key in chunk} for i, attname in enumerate(attnames)}
        for obj in model._default_manager.filter(**lookups):
            key = stored_composite_key(obj, fields)
            if key in wanted:
                found[key] = obj
    return found


def bulk_upsert(
    model: type[M],
    *,
    key: str = "",
    key_fields: Sequence[str] = (),
    rows: Sequence[dict[str, Any]],
    actor: Actor,
    after_create: Callable[[list[M]], None] | None = None,
    keep_when_blank: Collection[str] = (),
    select_related: Sequence[str] = (),
) -> UpsertResult:
    """Create the rows whose key is new, update those that differ, leave the rest untouched.

    The key is one unique field (`key`) or several that are unique together (`key_fields`, e.g.
    a pairing's cadre + household + start date; related records are matched by primary key).
    A second import of the same rows therefore changes nothing and writes no change-log row.
    Fields named in `keep_when_blank` that arrive as None or "" are "not given" (ledgers.md: an
    empty cell): an existing record keeps its value and a new one takes the model's default.
    `select_related` names the relations that the model's audit_snapshot reads, so that updating
    many records does not cost a query each.
    """
    if bool(key) == bool(key_fields):
        raise ValueError("give either key or key_fields")
    if key_fields:

        def key_of(values: dict[str, Any]) -> Any:
            return composite_key_of(model, key_fields, values)

        def instance_key(obj: M) -> Any:
            return stored_composite_key(obj, key_fields)

        existing: dict[Any, M] = fetch_by_composite_key(model, key_fields, [key_of(row) for row in rows])
    else:

        def key_of(values: dict[str, Any]) -> Any:
            return values[key]

        def instance_key(obj: M) -> Any:
            return getattr(obj, key)

        existing = fetch_by_key(model, key, [row[key] for row in rows], select_related)
    result = UpsertResult()
    to_create: list[M] = []
    to_update: list[M] = []
    update_fields: set[str] = set()
    entries = []
    now = timezone.now()
    for full_row in rows:
        row = {
            name: value
            for name, value in full_row.items()
            if not (name in keep_when_blank and (value is None or value == ""))
        }
        obj = existing.get(key_of(row))
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = [
            name
            for name, value in row.items()
            if _stored_value(obj, name) != _incoming_value(obj, name, value)
        ]
        if not changed:
            result.unchanged += 1
            continue
        before = obj.audit_snapshot()
        for name in changed:
            setattr(obj, name, row[name])
        obj.version += 1
        obj.updated_at = now
        update_fields.update(changed)
        to_update.append(obj)
        entries.append(
            change_entry(actor, obj, action=ChangeAction.UPDATE, before=before, after=obj.audit_snapshot())
        )
    model._default_manager.bulk_create(to_create, batch_size=1000)
    if to_create and to_create[0].pk is None:  # backends that do not return keys
        if key_fields:
            refreshed = fetch_by_composite_key(model, key_fields, [instance_key(o) for o in to_create])
        else:
            refreshed = fetch_by_key(model, key, [instance_key(o) for o in to_create])
        for obj in to_create:
            obj.pk = refreshed[instance_key(obj)].pk
    if after_create:
        after_create(to_create)
    entries.extend(
        change_entry(actor, obj, action=ChangeAction.CREATE, before=None, after=obj.audit_snapshot())
        for obj in to_create
    )
    if to_update:
        model._default_manager.bulk_update(
            to_update, sorted(update_fields | {"version", "updated_at"}), batch_size=1000
        )
    record_changes(entries)
    result.created = len(to_create)
    result.updated = len(to_update)
    return result


def update_fields_checked(
    instance: M, *, actor: Actor, expected_version: int | None, changes: dict[str, Any]
) -> M:
    """Apply `changes` to one record if nobody changed it since `expected_version` was read."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError("该记录已被他人修改，请刷新后重新编辑（未保存您的修改）。")
    before = locked.audit_snapshot()
    changed = [n for n, v in changes.items() if _stored_value(locked, n) != _incoming_value(locked, n, v)]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, changes[name])
    locked.version += 1
    locked.full_clean()
    locked.save(update_fields=[*changed, "version", "updated_at"])
    record_change(actor, locked, action=ChangeAction.UPDATE, before=before)
    return locked
