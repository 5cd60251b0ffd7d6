"""``sync_account``: one ad account from Meta into the database, locked, resumable, exact.

Phases: account details -> entities (campaigns, ad sets, ads; incremental by
``updated_time`` after the first full pull) -> daily ad insights and the four breakdowns, in
date slices (synchronous requests, or async report runs for large slices, retried and split
in halves when Meta fails them) -> period reach. Each slice is one transaction with its
checkpoint, written by a writer thread while the next pages are fetched; report runs of the
next slices are started and polled ahead of time. A run that stops (token, permission,
throttling beyond patience, crash, a lost lock) records why; a next run within minutes skips
the slices already done, except those of the lookback window (Meta restates them, and today
grows by the hour): a successful run has read every day of that window itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select

from trafficdash.auth.connections import mark_needs_reconnect
from trafficdash.db import get_engine, session_scope, utcnow
from trafficdash.meta.client import make_api
from trafficdash.meta.errors import AsyncReportFailed, ErrorKind, MetaError
from trafficdash.meta.reading import BREAKDOWN_FIELDS, INSIGHT_FIELDS, AccountReader, ReaderTuning
from trafficdash.meta.throttle import RetryPolicy, Throttle
from trafficdash.models import Ad, AdAccount, SyncRun, SyncStatus
from trafficdash.models.accounts import DEFAULT_CONVERSION_ACTION_TYPES
from trafficdash.settings import get_settings
from trafficdash.sync import clock, hooks, runs
from trafficdash.sync.lock import AccountLock, holder
from trafficdash.sync.reach import reach_rows
from trafficdash.sync.rows import (
    BREAKDOWNS,
    CELLS_PER_AD_DAY,
    breakdown_row,
    daily_row,
    entity_row,
    minor_to_amount,
)
from trafficdash.sync.tokens import candidates
from trafficdash.sync.writer import BulkWriter, SliceSpec, WriterFailed

log = logging.getLogger(__name__)

KINDS = ("daily", *BREAKDOWNS)
ENTITY_EDGES = ("campaigns", "adsets", "ads")
MAX_HISTORY_MONTHS = 37
# Entities changed within this margin before the last pull are listed again (clock skew).
UPDATED_TIME_MARGIN = timedelta(hours=1)


@dataclass
class SyncTuning:
    slice_days: int = 7
    breakdown_slice_days: int = 15
    async_above_rows: int = 20_000  # estimated rows of a slice above which an async report run is used
    async_retries: int = 2  # failed report runs of one slice retried before it is split in halves
    prefetch: int = 3  # report runs started and polled ahead of the slice being written
    # Slices an earlier run wrote longer ago than this are read again (Meta's numbers move).
    resume_within: timedelta = timedelta(minutes=10)
    reader: ReaderTuning = field(default_factory=ReaderTuning)
    retry: RetryPolicy = field(default_factory=RetryPolicy)


TUNING = SyncTuning()


class SyncStopped(Exception):
    """The sync cannot go on; ``code`` and the message are recorded on the run."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Slice:
    kind: str
    since: date
    until: date

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.since.isoformat()}:{self.until.isoformat()}"

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def halves(self) -> tuple[Slice, Slice]:
        mid = self.since + timedelta(days=self.days // 2 - 1)
        return Slice(self.kind, self.since, mid), Slice(self.kind, mid + timedelta(days=1), self.until)


def plan_slices(since: date, until: date, tuning: SyncTuning) -> list[Slice]:
    out: list[Slice] = []
    for kind in KINDS:
        step = tuning.slice_days if kind == "daily" else tuning.breakdown_slice_days
        start = since
        while start <= until:
            end = min(until, start + timedelta(days=step - 1))
            out.append(Slice(kind, start, end))
            start = end + timedelta(days=1)
    # Newest first: the days marketers look at are written (and checkpointed) before the back-fill.
    return sorted(out, key=lambda s: (-s.until.toordinal(), KINDS.index(s.kind)))


def _months_back(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, 1)


# ---- public entry -------------------------------------------------------------------------------------------


def sync_account(
    account_id: int,
    *,
    run_id: int | None = None,
    trigger: str = "cli",
    full_refresh: bool = False,
    since: date | None = None,
    until: date | None = None,
    progress: Callable[[SyncRun], None] | None = None,
) -> int:
    """Sync one ad account; returns the run id (the running one if the account is already syncing)."""
    running = holder(account_id)
    if running is not None:
        if run_id is not None and run_id != running:
            _finish(
                run_id,
                SyncStatus.FAILED,
                f"another sync of this account is running (run {running})",
                "already_running",
            )
        return running
    with session_scope() as session:
        if session.get(AdAccount, account_id) is None:
            raise ValueError(f"ad account {account_id} is not known; connect a user who can see it first")
        if run_id is None:
            run_id = runs.create_run(
                session, account_id, trigger, full_refresh=full_refresh, since=since, until=until
            ).id
        else:
            run = session.get(SyncRun, run_id)
            if run is None:
                raise ValueError(f"sync run {run_id} does not exist")
            if run.status not in runs.ACTIVE_STATUSES:
                return run_id
            full_refresh, since, until = (
                run.full_refresh or full_refresh,
                since or run.since,
                until or run.until,
            )
    lock = AccountLock(account_id, run_id, on_beat=partial(_heartbeat, run_id))
    if not lock.acquire():
        other = holder(account_id)
        _finish(
            run_id,
            SyncStatus.FAILED,
            f"another sync of this account is running (run {other})",
            "already_running",
        )
        return other or run_id
    try:
        job = _SyncJob(account_id, run_id, full_refresh, since, until, progress, TUNING, lock)
        job.run()
    finally:
        lock.release()
    return run_id


# ---- run row helpers ----------------------------------------------------------------------------------------


def _heartbeat(run_id: int) -> None:
    with session_scope() as session:
        session.execute(sa.update(SyncRun).where(SyncRun.id == run_id).values(heartbeat_at=utcnow()))


def _update(run_id: int, **values: Any) -> None:
    with session_scope() as session:
        session.execute(
            sa.update(SyncRun).where(SyncRun.id == run_id).values(heartbeat_at=utcnow(), **values)
        )


def _finish(run_id: int, status: SyncStatus, error: str | None = None, code: str | None = None) -> None:
    _update(
        run_id, status=status.value, phase=status.value, error=error, error_code=code, finished_at=utcnow()
    )


# ---- the job --------------------------------------------------------------------------------------------------


class _SyncJob:
    def __init__(
        self,
        account_id: int,
        run_id: int,
        full_refresh: bool,
        since: date | None,
        until: date | None,
        progress: Callable[[SyncRun], None] | None,
        tuning: SyncTuning,
        lock: AccountLock,
    ) -> None:
        self.account_id = account_id
        self.run_id = run_id
        self.full_refresh = full_refresh
        self.since = since
        self.until = until
        self.progress = progress
        self.tuning = tuning
        self.lock = lock
        self.settings = get_settings()
        self.started = utcnow()
        self.writer: BulkWriter | None = None
        self.conversion_types: list[str] = list(DEFAULT_CONVERSION_ACTION_TYPES)
        self.currency = "USD"
        self.n_ads = 0

    # ---- bookkeeping ---------------------------------------------------------------------------------------
    def notify(self) -> None:
        if self.progress is None:
            return
        with session_scope() as session:
            run = session.get(SyncRun, self.run_id)
            if run is not None:
                session.expunge(run)
        if run is not None:
            try:
                self.progress(run)
            except Exception:  # a broken progress display must not break the sync
                log.exception("progress callback failed")

    def phase(self, name: str, **values: Any) -> None:
        _update(self.run_id, phase=name, **values)
        self.notify()

    def done(self, key: str) -> bool:
        assert self.writer is not None
        return key in self.writer.checkpoint.get("done", {})

    def slice_done(self, sl: Slice, depth: int = 0) -> bool:
        if self.done(sl.key):
            return True
        if depth >= 6 or sl.days < 2:
            return False
        return all(self.slice_done(half, depth + 1) for half in sl.halves())

    def ensure_lock(self) -> None:
        """Stop between slices once the lock is lost: another sync of the account may be writing."""
        if self.lock.lost:
            raise SyncStopped(
                "lock_lost",
                "The sync lost its account lock (Redis did not hear from it in time), so it stopped "
                "before another sync could write alongside it. The next sync resumes from here.",
            )

    def inherited_checkpoint(self) -> dict[str, Any]:
        """What an unfinished run wrote minutes ago and Meta no longer restates: it is not fetched again."""
        with session_scope() as session:
            previous = runs.resumable_checkpoint(session, self.account_id, self.run_id)
            account = session.get(AdAccount, self.account_id)
            timezone = account.timezone_name if account is not None else "UTC"
        window_start = clock.today_in(timezone) - timedelta(days=self.settings.sync_lookback_days)
        horizon = utcnow() - self.tuning.resume_within
        done = {
            key: stamp
            for key, stamp in (previous.get("done") or {}).items()
            if datetime.fromisoformat(stamp) >= horizon and _reusable(key, window_start)
        }
        return {"done": done, "resumed_slices": len(done)} if done else {"done": {}}

    # ---- run -------------------------------------------------------------------------------------------------
    def run(self) -> None:
        checkpoint = self.inherited_checkpoint()
        _update(
            self.run_id,
            status=SyncStatus.RUNNING.value,
            phase="starting",
            started_at=self.started,
            checkpoint=checkpoint,
            steps_done=0,
            rows_written=0,
            error=None,
            error_code=None,
        )
        self.writer = BulkWriter(
            get_engine(), self.run_id, self.account_id, checkpoint, on_commit=lambda _k, _n: self.notify()
        )
        try:
            self.with_tokens()
            self.writer.close()
        except BaseException as exc:
            self._close_quietly()
            code, message = self._describe(exc)
            _finish(self.run_id, SyncStatus.FAILED, message, code)
            self.notify()
            if isinstance(exc, (SyncStopped, MetaError, WriterFailed)):
                log.warning("sync of account %s stopped: %s", self.account_id, message)
                return
            raise
        self.succeed()

    def _close_quietly(self) -> None:
        if self.writer is not None:
            try:
                self.writer.abort_slice()
                self.writer.close()
            except Exception:  # the first error is the one recorded
                log.debug("writer close after failure", exc_info=True)

    @staticmethod
    def _describe(exc: BaseException) -> tuple[str, str]:
        if isinstance(exc, SyncStopped):
            return exc.code, exc.message
        if isinstance(exc, MetaError):
            return exc.kind.value, f"Meta: {exc.describe()}"
        if isinstance(exc, WriterFailed):
            return "database", str(exc)
        if isinstance(exc, KeyboardInterrupt):
            return "interrupted", "the sync was interrupted; the next run resumes where it stopped"
        return "internal", f"{type(exc).__name__}: {exc}"

    def succeed(self) -> None:
        with session_scope() as session:
            account = session.get(AdAccount, self.account_id)
            assert account is not None
            account.last_synced_at = utcnow()
            account.entities_synced_at = self.started
            ran = hooks.after_sync(session, self.account_id, self.since, self.until)
            run = session.get(SyncRun, self.run_id)
            assert run is not None
            run.status = SyncStatus.SUCCEEDED.value
            run.phase = "done"
            run.finished_at = utcnow()
            run.heartbeat_at = run.finished_at
            run.steps_done = run.steps_total
            run.checkpoint = {**(run.checkpoint or {}), "hooks": ran}
        self.notify()

    def with_tokens(self) -> None:
        with session_scope() as session:
            run = session.get(SyncRun, self.run_id)
            users = candidates(session, self.account_id, run.requested_by_user_id if run else None)
        if not users:
            raise SyncStopped(
                "no_token",
                "No connected user with access to this ad account: a user who can "
                "see it must connect Facebook (again).",
            )
        last: MetaError | None = None
        for user in users:
            reader = AccountReader(
                make_api(user.token), self.account_id, Throttle(self.tuning.retry), self.tuning.reader
            )
            try:
                self.phases(reader)
                return
            except MetaError as exc:
                if exc.kind == ErrorKind.TOKEN:
                    with session_scope() as session:
                        mark_needs_reconnect(session, user.user_id, exc.message)
                elif exc.kind != ErrorKind.PERMISSION:
                    raise
                log.warning(
                    "user %s cannot sync account %s: %s", user.user_id, self.account_id, exc.describe()
                )
                last = exc
        assert last is not None
        if last.kind == ErrorKind.TOKEN:
            raise SyncStopped(
                ErrorKind.TOKEN.value,
                f"Every connected user's Meta token was rejected; they must "
                f"reconnect Facebook. Last answer: {last.describe()}",
            )
        raise SyncStopped(
            ErrorKind.PERMISSION.value, f"No connected user may read this ad account: {last.describe()}"
        )

    # ---- phases ---------------------------------------------------------------------------------------------
    def phases(self, reader: AccountReader) -> None:
        assert self.writer is not None
        self.phase("account")
        first_sync = self.account_details(reader)
        self.plan_range(first_sync)
        slices = plan_slices(self.since, self.until, self.tuning)
        self.phase(
            "entities", since=self.since, until=self.until, steps_total=len(ENTITY_EDGES) + len(slices) + 1
        )
        self.entities(reader, full=first_sync or self.full_refresh)
        self.writer.flush()
        with session_scope() as session:
            self.n_ads = session.scalar(select(func.count()).where(Ad.ad_account_id == self.account_id)) or 0
        todo = [s for s in slices if not self.slice_done(s)]
        self.writer.checkpoint["skipped_slices"] = len(slices) - len(todo)  # resumed from an earlier run
        # Entities are written (flushed above) or were resumed; skipped slices count as done.
        self.phase("insights", steps_done=len(ENTITY_EDGES) + len(slices) - len(todo))
        self.insights(reader, todo)
        if not self.done("reach"):
            self.ensure_lock()
            self.phase("reach")
            self.writer.write_period_reach(reach_rows(reader, self.account_id), "reach")
        self.writer.flush()

    def account_details(self, reader: AccountReader) -> bool:
        """Refresh the account row; True when the account has never been synced successfully."""
        details = reader.account_details()
        with session_scope() as session:
            account = session.get(AdAccount, self.account_id)
            assert account is not None
            account.name = str(details.get("name") or account.name)[:300]
            account.currency = str(details.get("currency") or account.currency)
            account.timezone_name = str(details.get("timezone_name") or account.timezone_name)
            account.account_status = int(details.get("account_status") or account.account_status)
            spent = minor_to_amount(details.get("amount_spent"), account.currency)
            if spent is not None:
                account.amount_spent = spent
            account.attribution_setting = (
                _attribution(details.get("attribution_spec")) or account.attribution_setting
            )
            self.conversion_types = list(account.conversion_action_types or DEFAULT_CONVERSION_ACTION_TYPES)
            self.currency = account.currency
            self.timezone = account.timezone_name
            self.entities_since = (
                None
                if account.entities_synced_at is None
                else (account.entities_synced_at - UPDATED_TIME_MARGIN)
            )
            return runs.last_succeeded_run(session, self.account_id) is None

    def plan_range(self, first_sync: bool) -> None:
        today = clock.today_in(self.timezone)
        oldest = _months_back(today, MAX_HISTORY_MONTHS)
        until = min(self.until or today, today)
        if self.since is not None:
            since = self.since
        elif first_sync or self.full_refresh:
            since = today - timedelta(days=self.settings.sync_history_days)
        else:
            with session_scope() as session:
                last = runs.last_succeeded_run(session, self.account_id)
                last_until = last.until if last and last.until else today
            # Re-read the lookback window (Meta restates recent days) and any gap since the last sync.
            since = min(today - timedelta(days=self.settings.sync_lookback_days), last_until)
        self.since, self.until = max(since, oldest), until
        if self.since > self.until:
            raise SyncStopped("invalid_range", f"nothing to sync: {self.since} is after {self.until}")

    def entities(self, reader: AccountReader, full: bool) -> None:
        assert self.writer is not None
        since = None if full else self.entities_since
        for edge in ENTITY_EDGES:
            key = f"entities:{edge}"
            if self.done(key):
                continue
            self.ensure_lock()
            stamp = utcnow()
            rows = [
                entity_row(edge, item, self.account_id, self.currency, stamp)
                for page in reader.entity_pages(edge, since)
                for item in page
            ]
            self.writer.write_entities(edge, rows, full_pull=since is None, done_key=key)

    # ---- insights ---------------------------------------------------------------------------------------------
    def estimate(self, sl: Slice) -> int:
        return self.n_ads * sl.days * CELLS_PER_AD_DAY[sl.kind]

    def params(self, reader: AccountReader, sl: Slice) -> dict[str, Any]:
        if sl.kind == "daily":
            return reader.insight_params(sl.since, sl.until, fields=INSIGHT_FIELDS)
        return reader.insight_params(
            sl.since, sl.until, fields=BREAKDOWN_FIELDS, breakdowns=BREAKDOWNS[sl.kind]
        )

    def open(self, reader: AccountReader, sl: Slice, use_async: bool) -> Iterator[list[dict]]:
        if use_async:
            return reader.async_insight_pages(self.params(reader, sl), sl.key)
        return reader.insight_pages(self.params(reader, sl), sl.key)

    def insights(self, reader: AccountReader, slices: list[Slice]) -> None:
        ahead: dict[str, Future] = {}
        with ThreadPoolExecutor(
            max_workers=max(1, self.tuning.prefetch), thread_name_prefix="sync-prefetch"
        ) as pool:
            try:
                for i, sl in enumerate(slices):
                    # Start (and poll) the report runs of the next slices while this one is written.
                    for nxt in slices[i : i + 1 + self.tuning.prefetch]:
                        if nxt.key not in ahead and self.estimate(nxt) > self.tuning.async_above_rows:
                            ahead[nxt.key] = pool.submit(self.open, reader, nxt, True)
                    self.write_slice(reader, sl, ahead.pop(sl.key, None))
            finally:
                for fut in ahead.values():
                    fut.cancel()

    def write_slice(
        self, reader: AccountReader, sl: Slice, prepared: Future | None = None, depth: int = 0
    ) -> None:
        assert self.writer is not None
        if self.slice_done(sl):
            return
        self.ensure_lock()
        use_async = prepared is not None or self.estimate(sl) > self.tuning.async_above_rows or depth > 0
        failures = 0
        if sl.kind == "daily":
            parse = partial(daily_row, account_id=self.account_id, types=self.conversion_types)
        else:
            parse = partial(
                breakdown_row, kind=sl.kind, account_id=self.account_id, types=self.conversion_types
            )
        while True:
            stamp = utcnow()
            spec = SliceSpec(
                sl.key, sl.kind, sl.since, sl.until, stamp, lambda row, p=parse, s=stamp: p(row, synced_at=s)
            )
            self.writer.begin_slice(spec)
            try:
                pages = prepared.result() if prepared is not None else self.open(reader, sl, use_async)
                prepared = None
                for page in pages:
                    self.writer.add_rows(page)
                self.writer.commit_slice()
                return
            except MetaError as exc:
                self.writer.abort_slice()
                prepared = None
                if exc.kind == ErrorKind.TOO_MUCH_DATA and not use_async:
                    use_async = True  # Meta's own advice: an async report run has no size limit
                    continue
                if not (isinstance(exc, AsyncReportFailed) or exc.kind == ErrorKind.TOO_MUCH_DATA):
                    raise
                failures += 1
                log.info("slice %s failed (%s), attempt %d", sl.key, exc.describe(), failures)
                if failures <= self.tuning.async_retries:
                    continue
                if sl.days < 2:
                    raise
                # Shorter ranges: each half is its own slice (own transaction and checkpoint).
                for half in sl.halves():
                    self.write_slice(reader, half, None, depth + 1)
                return
            except BaseException:
                self.writer.abort_slice()
                raise


def _reusable(key: str, window_start: date) -> bool:
    """May a resumed run skip this checkpoint key? Entities yes (the next pull overlaps by
    ``UPDATED_TIME_MARGIN``); insight slices only when they end before the lookback window;
    period reach never (its ranges end today)."""
    kind, _, dates = key.partition(":")
    if kind == "entities":
        return True
    if kind not in KINDS:
        return False
    return date.fromisoformat(dates.rsplit(":", 1)[-1]) < window_start


def _attribution(spec: Any) -> str | None:
    """Meta's attribution_spec as the usual short label, e.g. ``7d_click_1d_view``."""
    if not isinstance(spec, list) or not spec:
        return None
    parts = []
    for item in spec:
        if isinstance(item, dict) and item.get("window_days"):
            kind = "click" if "CLICK" in str(item.get("event_type")) else "view"
            parts.append(f"{item['window_days']}d_{kind}")
    return "_".join(parts) or None
