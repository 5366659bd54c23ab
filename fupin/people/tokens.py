"""Who an API token belongs to, in one query: for the hot doors of apps (a cadre's check-in).

DRF's token authentication, then the scope (account, cadre), cost three queries a request; a door
that only needs "which active user, in which role, as which cadre" asks for it once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection
from rest_framework.authtoken.models import Token

from fupin.core.sql import column, table
from fupin.people.models import Account, Cadre


@dataclass(frozen=True)
class TokenHolder:
    user: User
    active: bool
    superuser: bool
    role: str | None  # None: no account
    cadre: Cadre | None  # the account's cadre; None for a superuser or a login without an account


@functools.cache
def _holder_sql() -> str:
    user_pk = f"u.{column(User, 'id')}"
    return (
        f"SELECT {user_pk}, u.{column(User, 'username')}, u.{column(User, 'is_active')}, "  # noqa: S608 (names from the models)
        f"u.{column(User, 'is_superuser')}, a.{column(Account, 'role')}, "
        f"c.{column(Cadre, 'id')}, c.{column(Cadre, 'code')}, c.{column(Cadre, 'name')} "
        f"FROM {table(Token)} t JOIN {table(User)} u ON {user_pk} = t.{column(Token, 'user')} "
        f"LEFT JOIN {table(Account)} a ON a.{column(Account, 'user')} = {user_pk} "
        f"LEFT JOIN {table(Cadre)} c ON c.{column(Cadre, 'user')} = {user_pk} "
        f"WHERE t.{column(Token, 'key')} = %s"
    )


def token_holder(key: str) -> TokenHolder | None:
    """The holder of an API token, or None when there is no such token."""
    with connection.cursor() as cursor:
        cursor.execute(_holder_sql(), [key])
        row = cursor.fetchone()
    if row is None:
        return None
    user_id, username, active, superuser, role, cadre_id, cadre_code, cadre_name = row
    # Records made from the row as Django makes them from any query (fields not read are deferred).
    user = User.from_db(connection.alias, ["id", "username", "is_active"], [user_id, username, active])
    cadre = None
    if cadre_id is not None and role is not None and not superuser:
        cadre = Cadre.from_db(connection.alias, ["id", "code", "name"], [cadre_id, cadre_code, cadre_name])
    return TokenHolder(user=user, active=bool(active), superuser=bool(superuser), role=role, cadre=cadre)
