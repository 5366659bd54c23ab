"""`field__any=[...]`: membership in a long list as one array parameter on PostgreSQL.

Bulk imports look records up by thousands of keys at a time. `__in` sends one placeholder per key,
and psycopg then spends longer parsing the query text than PostgreSQL spends answering it;
`= ANY(%s)` sends the list as a single array. Other databases get an ordinary IN.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Lookup
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler


@Field.register_lookup
class AnyOf(Lookup[Any]):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(  # type: ignore[override]  # params carry a list: the array
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        values = list(self.rhs)
        if connection.vendor != "postgresql":
            sql, params = In(self.lhs, values).as_sql(compiler, connection)
            return sql, list(params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, values]
