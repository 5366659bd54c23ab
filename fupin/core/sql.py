"""Names for hand-written SQL, taken from the models so that a renamed table or column cannot leave a
query behind. Hand-written SQL is kept to the hot paths, where the ORM's compiling costs more than
the query; every name in it comes from here, every value goes as a parameter."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return connection.ops.quote_name(field.column)


def insert_fields(model: type[Model], *, leave_out: str = "") -> list[Field[Any, Any]]:
    """The fields an INSERT of `model` writes: its concrete fields but the primary key (and `leave_out`)."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name != leave_out]
