"""Creating a province's worth of records from Polars frames with COPY, change log included.

`copy.copy_create` builds one Python dict, instance and JSON text per record: about 60 µs each,
which left a million-row import waiting on Python while PostgreSQL idled. Here a record never
becomes a Python object. Each slice of new records is turned, column by column, into two COPY
payloads (the table's rows and the CREATE change-log rows with the snapshot that the model
declares), on a second thread, while this thread streams the previous slice to the database. The
result in the database is the same as copy_create's: a test compares the two.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection, models
from django.utils import timezone

from fupin.core.audit import Actor
from fupin.core.models import ChangeAction, ChangeLog
from fupin.core.snapshots import SnapshotField, created_snapshot_texts

# Slices prepared ahead of the one being written: enough to keep the database busy, few enough
# that a million-row import holds a few megabytes of payload, not its whole change log.
_AHEAD = 2
_LOG_COLUMNS: tuple[str, ...] = ("object_type", "object_id", "object_repr", "action", "actor_id")
_LOG_COLUMNS += ("actor_name", "at", "batch", "source", "after")


@dataclass(frozen=True)
class FrameAudit:
    """How the change log describes the model's new records."""

    snapshot: Sequence[SnapshotField]
    object_repr: pl.Expr


@dataclass(frozen=True)
class _Payload:
    frame: pl.DataFrame
    table: bytes
    log: bytes


_DRAWN = (
    "SELECT {} FROM (SELECT nextval((SELECT pg_get_serial_sequence(%s, 'id'))) AS id"
    " FROM generate_series(1, %s)) drawn"
)


def allocate_ids(model: type[models.Model], count: int, *, attempts: int = 3) -> pl.Series:
    """`count` ids drawn from the table's sequence, as other writers draw theirs.

    Drawn together they are nearly always consecutive, and then only the first and the last cross
    the wire. When another writer drew in between, they are drawn again (a sequence's gaps are
    harmless), and at last sent as one text that Polars splits: a row or an array element each
    would cost seconds for a million. The sequence is looked up once (a sub-select), not per id.
    """
    if count <= 0:
        return pl.Series("id", [], dtype=pl.Int64)
    params: list[str | int] = [model._meta.db_table, count]
    with connection.cursor() as cursor:
        for _ in range(attempts):
            cursor.execute(_DRAWN.format("min(id), max(id)"), params)
            first, last = cursor.fetchone() or (0, 0)
            if last - first + 1 == count:
                return pl.int_range(first, last + 1, dtype=pl.Int64, eager=True).alias("id")
        cursor.execute(_DRAWN.format("string_agg(id::text, ',')"), params)
        (text,) = cursor.fetchone() or ("",)
    return pl.Series("id", [text]).str.split(",").explode().cast(pl.Int64)


def _csv(frame: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.write_csv(out, include_header=False, null_value="")
    return out.getvalue()


_TEXT_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _copy_text(frame: pl.DataFrame) -> bytes:
    """COPY's own text format. The change log's snapshots are JSON full of quotes, which CSV
    would double and the server undouble; here only a rare backslash or line break is escaped."""
    escaped = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.String and frame.get_column(name).str.contains(r"[\\\t\n\r]").any():
            for plain, escape in _TEXT_ESCAPES:
                column = column.str.replace_all(plain, escape, literal=True)
        escaped.append(column)
    out = io.BytesIO()
    frame.select(escaped).write_csv(
        out, include_header=False, separator="\t", quote_style="never", null_value="\\N"
    )
    return out.getvalue()


class _Writer:
    """The payloads of one model's slices, in the table's column order."""

    def __init__(self, model: type[models.Model], audit: FrameAudit, actor: Actor) -> None:
        now = timezone.now().isoformat()
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.stamps: dict[str, Any] = {"created_at": now, "updated_at": now, "version": 1}
        self.audit = audit
        self.log_constants = {
            "object_type": model._meta.label_lower,
            "action": ChangeAction.CREATE.value,
            "actor_id": actor.user.pk if actor.user else None,
            "actor_name": actor.name[:150],
            "at": now,
            "batch": actor.batch,
            "source": actor.source,
        }

    def column_names(self) -> list[str]:
        return ["id", *(str(f.column) for f in self.fields)]

    def _table_column(self, frame: pl.DataFrame, field: models.Field[Any, Any]) -> pl.Expr:
        name = field.attname
        if name in frame.columns:
            return pl.col(name)
        if name in self.stamps:
            return pl.lit(self.stamps[name]).alias(name)
        if field.has_default() and callable(field.default):
            # One value would be shared by every row: the frames must carry the column.
            raise ValueError(f"{field.name} has a computed default; give it in the frames")
        return pl.lit(field.get_default()).alias(name)

    def payload(self, frame: pl.DataFrame) -> _Payload:
        table = frame.select(pl.col("id"), *(self._table_column(frame, f) for f in self.fields))
        computed = {
            "object_id": pl.col("id"),
            "object_repr": self.audit.object_repr.str.slice(0, 200),
            "after": pl.lit(created_snapshot_texts(table, self.audit.snapshot)),
        }
        log = table.select(
            (computed[name] if name in computed else pl.lit(self.log_constants[name])).alias(name)
            for name in _LOG_COLUMNS
        )
        return _Payload(frame, _csv(table), _copy_text(log))


def _prepared(slices: Iterable[pl.DataFrame], ids: Future[pl.Series], writer: _Writer) -> Iterator[_Payload]:
    start = 0
    for frame in slices:
        if frame.height:
            with_ids = frame.with_columns(ids.result().slice(start, frame.height).alias("id"))
            start += frame.height
            yield writer.payload(with_ids)


class _Ahead:
    """Payloads built on a second thread, started at once, `_AHEAD` at most waiting. Polars
    releases the interpreter while it works, so the building overlaps this thread's writing."""

    def __init__(self, payloads: Iterator[_Payload]) -> None:
        self.payloads = payloads
        self.waiting: queue.Queue[_Payload | BaseException | None] = queue.Queue(maxsize=_AHEAD)
        self.stop = threading.Event()
        self.builder = threading.Thread(target=self._build, name="copy-frames", daemon=True)
        self.builder.start()

    def _offer(self, item: _Payload | BaseException | None) -> bool:
        """Queue `item` unless the writing thread has stopped taking them."""
        while not self.stop.is_set():
            try:
                self.waiting.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def _build(self) -> None:
        try:
            for payload in self.payloads:
                if not self._offer(payload):
                    return
            self._offer(None)
        except BaseException as error:  # handed to the writing thread, which raises it
            self._offer(error)

    def __iter__(self) -> Iterator[_Payload]:
        while (item := self.waiting.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self.stop.set()
        self.builder.join()


def _copy(table: str, columns: Sequence[str], data: bytes, *, csv: bool) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
    if csv:
        sql += " WITH (FORMAT csv)"
    with connection.wrap_database_errors, connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(data)


def copy_create_frames(
    model: type[models.Model],
    slices: Iterable[pl.DataFrame],
    *,
    count: int,
    actor: Actor,
    audit: FrameAudit,
    progress: Callable[[int], None] | None = None,
    before_write: Callable[[pl.DataFrame], None] | None = None,
) -> int:
    """Insert the rows of `slices` (columns named by attname, `count` rows in all) as new records
    of `model`, each with a CREATE change-log row; the number written.

    A column the frames leave out takes the field's default. The caller validates every value and
    holds the transaction; `slices` are consumed on a second thread and must not use the database.
    `before_write` is called here with each slice before it is written (a check that needs the
    database, say); what it raises ends the import, as does a constraint the rows break.
    """
    writer = _Writer(model, audit, actor)
    ids: Future[pl.Series] = Future()
    ahead = _Ahead(_prepared(slices, ids, writer))  # the first slice is prepared meanwhile
    written = 0
    try:
        try:
            ids.set_result(allocate_ids(model, count))
        except BaseException as error:
            ids.set_exception(error)
            raise
        for payload in ahead:
            rows = payload.frame.height
            if written + rows > count:
                raise ValueError(f"more than the {count} rows announced")
            if before_write:
                before_write(payload.frame)
            _copy(model._meta.db_table, writer.column_names(), payload.table, csv=True)
            _copy(ChangeLog._meta.db_table, _LOG_COLUMNS, payload.log, csv=False)
            written += rows
            if progress:
                progress(written)
    finally:
        ahead.close()
    return written
