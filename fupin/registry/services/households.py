"""Bulk writes of the households and members ledgers: upserts by code and by ID number.

Rows arrive validated by the ledger (fupin.ledgers.definitions.registry), which also checks the
importer's scope and the references; these functions keep the invariants the database relies on,
derive the stored helper fields (area code, pinyin search key, the causes field) and write through
`bulk_upsert`, so that every created or changed record leaves a change-log row and a second import
of the same rows writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from fupin.areas.models import AreaLevel
from fupin.core import idnumber
from fupin.core.audit import Actor
from fupin.core.bulk import CHUNK, UpsertResult, bulk_upsert
from fupin.core.copy import copy_available, copy_create
from fupin.core.copy_frames import FrameAudit, copy_create_frames
from fupin.core.exceptions import ApplicationError
from fupin.core.text import pinyin_key
from fupin.registry.models import Household, Member, PovertyCause, Relation, StatusChange
from fupin.registry.models.households import HOUSEHOLD_SNAPSHOT

# Optional ledger columns: an empty cell is "not given" and keeps what is stored (ledgers.md).
HOUSEHOLD_KEEP_WHEN_BLANK = (
    "other_causes",
    "exit_year",
    "phone",
    "housing_secure",
    "water_secure",
    "schooling_secure",
    "medical_secure",
    "net_income_per_capita",
    "longitude",
    "latitude",
)
_BLANK_KEPT = frozenset(HOUSEHOLD_KEEP_WHEN_BLANK)
MEMBER_KEEP_WHEN_BLANK = (
    "sex",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labour",
    "migrant_work",
    "months_worked",
)
IMPORT_STATUS_REASON = "台账导入"

# The bulk write of prepared household rows. The portable default goes through bulk_upsert; a
# PostgreSQL COPY path can replace it without touching the preparation or the status history.
HouseholdWriter = Callable[[Actor, list[dict[str, Any]]], UpsertResult]


def causes_value(causes: Sequence[str] | None) -> str:
    """The stored form of other causes, ",a,b," in the enumeration's order so that the same causes
    in another order are the same value (a re-import changes nothing)."""
    if not causes:
        return ""
    chosen = [c for c in PovertyCause.values if c in set(causes)]
    return "," + ",".join(chosen) + ","


def write_households(actor: Actor, rows: list[dict[str, Any]]) -> UpsertResult:
    return bulk_upsert(
        Household, key="code", rows=rows, actor=actor, keep_when_blank=HOUSEHOLD_KEEP_WHEN_BLANK
    )


def write_households_copy(actor: Actor, rows: list[dict[str, Any]]) -> UpsertResult:
    """PostgreSQL: new households stream in with COPY (a province's first import is a million of
    them); households already stored go through the portable upsert, which compares and logs."""
    stored: set[str] = set()
    codes = [row["code"] for row in rows]
    for start in range(0, len(codes), CHUNK):
        stored.update(
            Household.objects.filter(code__any=codes[start : start + CHUNK]).values_list("code", flat=True)
        )
    result = (
        write_households(actor, [row for row in rows if row["code"] in stored]) if stored else UpsertResult()
    )
    # Not given: the model's default, as bulk_upsert does for a new record.
    new = []
    for row in rows:
        if row["code"] not in stored:
            new.append(row)
            for name in _BLANK_KEPT:
                if row.get(name, 0) is None or row.get(name) == "":
                    del row[name]
    copy_create(Household, new, actor=actor)
    result.created += len(new)
    return result


def default_household_writer() -> HouseholdWriter:
    return write_households_copy if copy_available() else write_households


def _household_row_error(row: dict[str, Any]) -> str | None:
    village = row["village"]
    if village.level != AreaLevel.VILLAGE:
        return f"户 {row['code']} 的区划代码 {village.code} 不是村"
    if not 1 <= row["size"] <= 20:
        return f"户 {row['code']} 的家庭人口数应为1至20"
    if idnumber.id_number_error(row["head_id_number"]):
        return f"户 {row['code']} 的户主身份证号无效"
    return None


def _stored_statuses(codes: list[str]) -> dict[str, str]:
    statuses: dict[str, str] = {}
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        statuses.update(Household.objects.filter(code__any=chunk).values_list("code", "poverty_status"))
    return statuses


def _record_status_changes(actor: Actor, before: dict[str, str], after: dict[str, str]) -> None:
    """A StatusChange for each stored household whose 脱贫属性 the import changed, dated today, so
    that figures "as of" an earlier date still see the old status. New households get none: their
    status holds since their 识别年度, which the figures read instead."""
    changed = {code: status for code, status in after.items() if code in before and before[code] != status}
    if not changed:
        return
    today = timezone.localdate()
    ids = dict(Household.objects.filter(code__any=list(changed)).values_list("code", "pk"))
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                household_id=ids[code],
                from_status=before[code],
                to_status=status,
                on=today,
                reason=IMPORT_STATUS_REASON,
                actor=actor.user,
                actor_name=actor.name[:150],
            )
            for code, status in changed.items()
        ],
        batch_size=1000,
    )


def _prepared(row: dict[str, Any]) -> dict[str, Any]:
    """A ledger row as the household table stores it, its helper fields derived."""
    if error := _household_row_error(row):
        raise ApplicationError(error)
    return {
        **row,
        "area_code": row["village"].code,
        "head_id_number": idnumber.normalize(row["head_id_number"]),
        "other_causes": causes_value(row.get("other_causes")),
        "phone": row.get("phone") or "",
        "search_key": pinyin_key(row["head_name"]),
    }


@transaction.atomic
def households_copy_new(
    *,
    actor: Actor,
    slices: Iterable[pl.DataFrame],
    count: int,
    progress: Callable[[int], None] | None = None,
    before_write: Callable[[pl.DataFrame], None] | None = None,
) -> UpsertResult:
    """Households known to be new and valid, written with COPY on PostgreSQL: a province's first
    import. The caller has checked every value and the scope; a 户编号 already stored breaks the
    table's unique constraint (IntegrityError), and the caller's savepoint undoes the rest.

    Each slice holds the stored values (as households_upsert stores them): code, village_id,
    area_code, head_name, head_id_number (normalised), size, identification_standard, category,
    main_cause, other_causes (a list of cause values, or null), poverty_status, registered_year,
    exit_year, phone ("" for none), the four 保障 booleans, and net_income_per_capita, longitude
    and latitude as decimal text with the field's places (null for none). `slices` are consumed on
    a second thread and must not use the database.
    """
    written = copy_create_frames(
        Household,
        (_with_derived_columns(frame) for frame in slices),
        count=count,
        actor=actor,
        audit=FrameAudit(
            HOUSEHOLD_SNAPSHOT,
            pl.concat_str([pl.col("head_name"), pl.lit("户（"), pl.col("code"), pl.lit("）")]),
        ),
        progress=progress,
        before_write=before_write,
    )
    return UpsertResult(created=written)


def _with_derived_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The causes field in its stored form (causes_value) and the pinyin search key, computed once
    for each distinct name: names repeat across a province."""
    names = frame.get_column("head_name").unique()
    keys = pl.Series([pinyin_key(name) for name in names], dtype=pl.String)
    # causes_value: the chosen causes in the enumeration's order, as ",a,b,"; "" for none.
    causes = pl.col("other_causes")
    chosen = pl.concat_str(
        [pl.when(causes.list.contains(cause)).then(pl.lit(cause)) for cause in PovertyCause.values],
        separator=",",
        ignore_nulls=True,
    )
    stored_causes = pl.when(chosen.fill_null("") == "").then(pl.lit("")).otherwise("," + chosen + ",")
    return frame.with_columns(
        stored_causes.alias("other_causes"),
        pl.col("head_name").replace_strict(names, keys).alias("search_key"),
    )


@transaction.atomic
def households_upsert(
    *, actor: Actor, rows: Sequence[dict[str, Any]], writer: HouseholdWriter | None = None
) -> UpsertResult:
    """Bulk upsert for the households ledger, by 户编号.

    Rows carry code, village (an Area of level 村), head_name, head_id_number, size,
    identification_standard, category, main_cause, other_causes (a list of cause values or None),
    poverty_status, registered_year, exit_year, phone, the four 保障 booleans,
    net_income_per_capita, longitude and latitude; None for an empty optional cell.
    """
    prepared = [_prepared(row) for row in rows]
    statuses_before = _stored_statuses([row["code"] for row in prepared])
    result = (writer or default_household_writer())(actor, prepared)
    _record_status_changes(actor, statuses_before, {row["code"]: row["poverty_status"] for row in prepared})
    return result


@transaction.atomic
def members_upsert(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> UpsertResult:
    """Bulk upsert for the members ledger, by 身份证号.

    Rows carry household (a Household), name, id_number, relation, sex, ethnicity, education,
    schooling, health, labour, migrant_work and months_worked; None or "" for an empty optional
    cell. A member is never moved to another household here: the ledger refuses such rows.
    """
    prepared = []
    for row in rows:
        if error := idnumber.id_number_error(row["id_number"]):
            raise ApplicationError(f"成员 {row['name']} 的身份证号无效：{error}")
        prepared.append(
            {
                **row,
                "id_number": idnumber.normalize(row["id_number"]),
                "search_key": pinyin_key(row["name"]),
            }
        )
    _check_not_moved(prepared)
    # The one-head-per-household constraint is checked row by row: when a file hands the head
    # role to another member, the old head must be demoted before the new one is written.
    others = [row for row in prepared if row["relation"] != Relation.HEAD]
    heads = [row for row in prepared if row["relation"] == Relation.HEAD]
    result = UpsertResult()
    for group in (others, heads):
        if group:
            result.add(
                bulk_upsert(
                    Member,
                    key="id_number",
                    rows=group,
                    actor=actor,
                    keep_when_blank=MEMBER_KEEP_WHEN_BLANK,
                    select_related=("household",),
                )
            )
    return result


def _check_not_moved(rows: list[dict[str, Any]]) -> None:
    numbers = [row["id_number"] for row in rows]
    stored: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        stored.update(Member.objects.filter(id_number__any=chunk).values_list("id_number", "household_id"))
    for row in rows:
        household_id = stored.get(row["id_number"])
        if household_id is not None and household_id != row["household"].pk:
            masked, target = idnumber.mask(row["id_number"]), row["household"].code
            raise ApplicationError(f"身份证号 {masked} 已是其他户的成员，不能改到户 {target}")
