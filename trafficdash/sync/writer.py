"""Bulk, idempotent writes of one sync, on a writer thread fed by a bounded queue.

The fetch side hands over pages as they arrive (``add_rows``) and the writer streams them
into the database while the next page is being fetched. Each insight slice is one
transaction: its rows are upserted by natural key, and the run's checkpoint records the slice,
all in that transaction; so a killed sync leaves whole slices or nothing. A re-read replaces a
day's rows of an ad only with what Meta returned for that ad and day: rows of ads (or days) Meta
did not mention stay, since Meta leaves deleted and archived objects out of some answers.

PostgreSQL: when the slice's range holds no rows of the account yet (a first sync, a
back-fill), COPY straight into the table; otherwise COPY into a per-connection temporary
staging table, then one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` per slice. Both are
measured in benchmarks/sync.py against a raw COPY. SQLite: ``INSERT ... ON CONFLICT DO
UPDATE`` in executemany batches.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from trafficdash.db import utcnow
from trafficdash.models import Ad, AdSet, Campaign, PeriodReach
from trafficdash.sync.rows import BREAKDOWN_COLUMNS, BREAKDOWN_KEY, DAILY_COLUMNS, DAILY_KEY, JSON_COLUMNS

ENTITY_MODELS = {"campaigns": Campaign, "adsets": AdSet, "ads": Ad}
_STOP = object()


@dataclass
class SliceSpec:
    """What one transaction replaces: a kind (``daily`` or a breakdown) over a date range."""

    key: str
    kind: str
    since: date
    until: date
    synced_at: datetime
    # Meta row -> table tuple; run on the writer thread so the fetch loop only waits on the network.
    parse: Callable[[dict], tuple]
    rows: int = 0
    # PostgreSQL: the range held no rows of the account, so the COPY went straight into the table.
    direct: bool = False
    # (ad_id, date) pairs Meta returned in this slice: the only ones whose older rows may go.
    seen: set[tuple[int, date]] = field(default_factory=set)

    @property
    def table(self) -> str:
        return "insights_daily" if self.kind == "daily" else "insights_breakdown"

    @property
    def columns(self) -> tuple[str, ...]:
        return DAILY_COLUMNS if self.kind == "daily" else BREAKDOWN_COLUMNS

    @property
    def key_columns(self) -> tuple[str, ...]:
        return DAILY_KEY if self.kind == "daily" else BREAKDOWN_KEY


@dataclass
class WriterStats:
    rows: int = 0
    slices: int = 0
    seconds: float = 0.0  # time the writer thread was busy (parsing + database), not waiting
    direct_slices: int = 0  # PostgreSQL slices copied straight into an empty range
    errors: list[str] = field(default_factory=list)


class WriterFailed(RuntimeError):
    """The writer thread failed; the original exception is the ``__cause__``."""


class BulkWriter:
    """One writer thread per sync; every method except ``close`` only enqueues work."""

    def __init__(
        self,
        engine: sa.Engine,
        run_id: int,
        account_id: int,
        checkpoint: dict[str, Any],
        *,
        on_commit: Callable[[str, int], None] | None = None,
        queue_size: int = 8,
    ) -> None:
        self.engine = engine
        self.run_id = run_id
        self.account_id = account_id
        self.checkpoint = checkpoint
        self.on_commit = on_commit
        self.stats = WriterStats()
        self.error: BaseException | None = None
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        self._thread = threading.Thread(target=self._loop, name=f"sync-writer-{account_id}", daemon=True)
        self._postgres = engine.dialect.name == "postgresql"
        self._thread.start()

    # ---- producer side -----------------------------------------------------------------------------
    def _put(self, item: Any) -> None:
        while True:
            if self.error is not None:
                raise WriterFailed(f"database writer failed: {self.error}") from self.error
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def begin_slice(self, spec: SliceSpec) -> None:
        self._put(("begin", spec))

    def add_rows(self, rows: list[dict]) -> None:
        """One page of Meta rows for the open slice."""
        if rows:
            self._put(("rows", rows))

    def commit_slice(self) -> None:
        self._put(("commit", None))

    def abort_slice(self) -> None:
        self._put(("abort", None))

    def write_entities(self, edge: str, rows: list[dict], *, full_pull: bool, done_key: str) -> None:
        self._put(("entities", (edge, rows, full_pull, done_key)))

    def write_period_reach(self, rows: list[dict], done_key: str) -> None:
        self._put(("reach", (rows, done_key)))

    def flush(self) -> None:
        """Block until everything queued so far is written (raises if the writer failed)."""
        done = threading.Event()
        self._put(("barrier", done))
        while not done.wait(0.2):
            if self.error is not None:
                break
        if self.error is not None:
            raise WriterFailed(f"database writer failed: {self.error}") from self.error

    def close(self) -> None:
        """Finish queued work and stop; an open slice is rolled back (never half-written)."""
        with contextlib.suppress(queue.Full):
            self._queue.put(_STOP, timeout=60)
        self._thread.join(timeout=300)
        if self.error is not None:
            raise WriterFailed(f"database writer failed: {self.error}") from self.error

    # ---- writer thread -------------------------------------------------------------------------------
    def _loop(self) -> None:
        conn: sa.Connection | None = None
        txn: sa.RootTransaction | None = None
        spec: SliceSpec | None = None
        copy_ctx: Any = None
        copy: Any = None
        sqlite_batch: list[tuple] = []
        try:
            conn = self.engine.connect()
            while True:
                item = self._queue.get()
                if item is _STOP:
                    break
                busy_from = time.perf_counter()
                op, arg = item
                if op == "barrier":
                    arg.set()
                elif op == "begin":
                    spec = arg
                    txn = conn.begin()
                    if self._postgres:
                        copy_ctx, copy = self._pg_open_copy(conn, spec)
                elif op == "rows":
                    assert spec is not None
                    parsed = [spec.parse(r) for r in arg]
                    spec.rows += len(parsed)
                    ad_i, date_i = spec.columns.index("ad_id"), spec.columns.index("date")
                    spec.seen.update((row[ad_i], row[date_i]) for row in parsed)
                    if self._postgres:
                        self._pg_copy_rows(copy, spec, parsed)
                    else:
                        sqlite_batch.extend(parsed)
                        if len(sqlite_batch) >= 5000:
                            self._generic_upsert(conn, spec, sqlite_batch)
                            sqlite_batch = []
                elif op == "commit":
                    assert spec is not None and txn is not None
                    if self._postgres:
                        copy_ctx.__exit__(None, None, None)
                        copy_ctx = copy = None
                        if not spec.direct:
                            self._pg_merge(conn, spec)
                    else:
                        self._generic_upsert(conn, spec, sqlite_batch)
                        sqlite_batch = []
                    self._sweep(conn, spec)
                    self._record(conn, spec.key, spec.rows)
                    txn.commit()
                    self.stats.rows += spec.rows
                    self.stats.slices += 1
                    self.stats.direct_slices += spec.direct
                    if self.on_commit:
                        self.on_commit(spec.key, spec.rows)
                    spec = txn = None
                elif op == "abort":
                    if copy_ctx is not None:
                        with contextlib.suppress(Exception):
                            copy_ctx.__exit__(RuntimeError, RuntimeError("aborted"), None)
                        copy_ctx = copy = None
                    if txn is not None:
                        txn.rollback()
                    sqlite_batch = []
                    spec = txn = None
                elif op == "entities":
                    edge, rows, full_pull, done_key = arg
                    with conn.begin():
                        self._write_entities(conn, edge, rows, full_pull)
                        self._record(conn, done_key, len(rows))
                    self.stats.rows += len(rows)
                    if self.on_commit:
                        self.on_commit(done_key, len(rows))
                elif op == "reach":
                    rows, done_key = arg
                    with conn.begin():
                        self._upsert_models(
                            conn, PeriodReach, rows, ("level", "entity_id", "date_start", "date_stop")
                        )
                        self._record(conn, done_key, len(rows))
                    self.stats.rows += len(rows)
                    if self.on_commit:
                        self.on_commit(done_key, len(rows))
                self.stats.seconds += time.perf_counter() - busy_from
        except BaseException as exc:  # the producer re-raises it as WriterFailed
            self.error = exc
            if txn is not None:
                with contextlib.suppress(Exception):
                    txn.rollback()
            # Drain so a producer blocked on a full queue wakes up and sees the error.
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
        finally:
            if conn is not None:
                conn.close()

    def _record(self, conn: sa.Connection, key: str, rows: int) -> None:
        """The checkpoint and progress, in the same transaction as the data they describe."""
        done = self.checkpoint.setdefault("done", {})
        done[key] = utcnow().isoformat()
        conn.execute(
            sa.text(
                "UPDATE sync_runs SET checkpoint = :cp, rows_written = rows_written + :n, "
                "steps_done = steps_done + 1, heartbeat_at = :now WHERE id = :id"
            ).bindparams(sa.bindparam("cp", type_=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"))),
            {"cp": self.checkpoint, "n": rows, "now": utcnow(), "id": self.run_id},
        )

    # ---- PostgreSQL: COPY into staging, merge -------------------------------------------------------------
    def _pg_open_copy(self, conn: sa.Connection, spec: SliceSpec) -> tuple[Any, Any]:
        raw = conn.connection.driver_connection
        cur = raw.cursor()
        # Nothing of the account in the range yet: no row can conflict, so skip the staging
        # table and its merge (half the writing). The account's sync lock keeps it that way
        # until this transaction commits; a conflict anyway fails the slice, never merges wrong.
        kind_filter = "" if spec.kind == "daily" else " AND breakdown = %s"
        params: list[Any] = [self.account_id, spec.since, spec.until]
        if spec.kind != "daily":
            params.append(spec.kind)
        spec.direct = (
            cur.execute(
                f"SELECT 1 FROM {spec.table} WHERE ad_account_id = %s AND date BETWEEN %s AND %s"
                f"{kind_filter} LIMIT 1",
                params,
            ).fetchone()
            is None
        )
        target = spec.table
        if not spec.direct:
            target = f"stage_{spec.table}"
            cur.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {target} (LIKE {spec.table} INCLUDING DEFAULTS) "
                "ON COMMIT DELETE ROWS"
            )
        ctx = cur.copy(f"COPY {target} ({', '.join(spec.columns)}) FROM STDIN")
        return ctx, ctx.__enter__()

    @staticmethod
    def _pg_copy_rows(copy: Any, spec: SliceSpec, rows: list[tuple]) -> None:
        json_idx = [i for i, c in enumerate(spec.columns) if c in JSON_COLUMNS]
        dumps = orjson.dumps
        for row in rows:
            values = list(row)
            for i in json_idx:
                values[i] = dumps(values[i]).decode()
            copy.write_row(values)

    @staticmethod
    def _pg_merge(conn: sa.Connection, spec: SliceSpec) -> None:
        cols = ", ".join(spec.columns)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in spec.columns if c not in spec.key_columns)
        conn.exec_driver_sql(
            f"INSERT INTO {spec.table} ({cols}) SELECT {cols} FROM stage_{spec.table} "
            f"ON CONFLICT ({', '.join(spec.key_columns)}) DO UPDATE SET {updates}"
        )

    # ---- SQLite (and any other database): INSERT ... ON CONFLICT in batches --------------------------------
    def _generic_upsert(self, conn: sa.Connection, spec: SliceSpec, rows: list[tuple]) -> None:
        if not rows:
            return
        table = _table(spec.table)
        payload = [dict(zip(spec.columns, row, strict=True)) for row in rows]
        self._upsert_table(conn, table, payload, spec.key_columns)

    def _upsert_models(self, conn: sa.Connection, model: Any, rows: list[dict], keys: Sequence[str]) -> None:
        if rows:
            self._upsert_table(conn, model.__table__, rows, keys)

    def _upsert_table(
        self, conn: sa.Connection, table: sa.Table, rows: list[dict], keys: Sequence[str]
    ) -> None:
        insert = postgresql.insert if self._postgres else sqlite.insert
        columns = list(rows[0])
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns if c not in keys}
        )
        for start in range(0, len(rows), 2000):
            conn.execute(stmt, rows[start : start + 2000])

    def _sweep(self, conn: sa.Connection, spec: SliceSpec) -> None:
        """Breakdown cells of an (ad, day) Meta re-reported that it no longer lists go away.

        Daily rows are keyed by (ad, day), so the upsert already replaced every re-reported one;
        an (ad, day) Meta did not mention is never touched (a deleted ad's spend stays)."""
        if spec.kind == "daily" or spec.direct or not spec.seen:
            return
        table = _table(spec.table)
        pairs = sorted(spec.seen)
        for start in range(0, len(pairs), 1000):
            conn.execute(
                sa.delete(table).where(
                    table.c.ad_account_id == self.account_id,
                    table.c.breakdown == spec.kind,
                    table.c.date >= spec.since,
                    table.c.date <= spec.until,
                    table.c.synced_at != spec.synced_at,
                    sa.tuple_(table.c.ad_id, table.c.date).in_(pairs[start : start + 1000]),
                )
            )

    def _write_entities(self, conn: sa.Connection, edge: str, rows: list[dict], full_pull: bool) -> None:
        model = ENTITY_MODELS[edge]
        self._upsert_models(conn, model, rows, ("id",))
        if full_pull:
            # Gone from a full listing of every status: deleted on Meta's side; kept, marked.
            seen = [r["id"] for r in rows]
            table = model.__table__
            stmt = sa.update(table).where(
                table.c.ad_account_id == self.account_id, table.c.is_deleted.is_(False)
            )
            if seen:
                stmt = stmt.where(table.c.id.not_in(seen))
            conn.execute(stmt.values(is_deleted=True, effective_status="DELETED"))


def _table(name: str) -> sa.Table:
    from trafficdash.db import Base

    return Base.metadata.tables[name]
