"""What a rerun may take over from a stopped run, and a sync that lost its lock stopping."""

from __future__ import annotations

import time
from datetime import date, timedelta

import sqlalchemy as sa

from tests.sync.conftest import account_ids
from tests.sync.helpers import snapshot
from trafficdash.db import get_engine, session_scope
from trafficdash.models import AdAccount, SyncRun, SyncStatus
from trafficdash.redis_conn import get_redis
from trafficdash.sync import lock, service
from trafficdash.sync.service import ENTITY_EDGES, sync_account


def _run(run_id: int) -> SyncRun:
    with session_scope() as session:
        run = session.get(SyncRun, run_id)
        session.expunge(run)
        return run


def test_a_resumed_run_reads_today_and_the_lookback_days_again(world) -> None:
    account_id = account_ids(world)[0]
    first = sync_account(account_id)  # first sync: the world's 10 days of history up to today
    fresh = snapshot()
    window_start = world.config.today - timedelta(days=3)  # the world's lookback
    with session_scope() as session:  # the run died as it ended: every slice checkpointed, no success
        session.get(SyncRun, first).status = SyncStatus.ABANDONED.value
    # Since then Meta's numbers moved (today's spend grows by the hour): the rows held are stale.
    with get_engine().begin() as conn:
        for table in ("insights_daily", "insights_breakdown"):
            conn.execute(
                sa.text(f"UPDATE {table} SET spend = spend / 2 WHERE ad_account_id = :a AND date >= :d"),
                {"a": account_id, "d": window_start},
            )
        conn.execute(
            sa.text("UPDATE period_reach SET reach = reach + 1 WHERE ad_account_id = :a"), {"a": account_id}
        )
    resumed = _run(sync_account(account_id))
    assert resumed.status == SyncStatus.SUCCEEDED.value, resumed.error
    assert snapshot() == fresh  # every day of the window read again, period reach too
    assert resumed.checkpoint["skipped_slices"] > 0  # days before the window were not fetched again


def test_a_sync_that_lost_its_lock_stops_between_slices(world, monkeypatch) -> None:
    monkeypatch.setattr(lock, "RENEW_EVERY_SECONDS", 0.05)
    account_id = account_ids(world)[0]
    key = lock.lock_key(account_id)
    written: list[str] = []
    locks: list[lock.AccountLock] = []
    original = service._SyncJob.write_slice

    class RecordedLock(lock.AccountLock):
        def acquire(self) -> bool:
            locks.append(self)
            return super().acquire()

    def taken_after_the_first_slice(self, reader, sl, prepared=None, depth=0):
        written.append(sl.key)
        original(self, reader, sl, prepared, depth)
        if len(written) == 1:
            # Redis let the lock expire (a long pause) and another run took it.
            get_redis().set(key, "999999")
            deadline = time.monotonic() + 10
            while not locks[0].lost:
                assert time.monotonic() < deadline, "the heartbeat never noticed the lost lock"
                time.sleep(0.01)

    monkeypatch.setattr(service, "AccountLock", RecordedLock)
    monkeypatch.setattr(service._SyncJob, "write_slice", taken_after_the_first_slice)
    try:
        run = _run(sync_account(account_id, since=date(2026, 11, 8), until=date(2026, 11, 16)))
        assert get_redis().get(key) == b"999999"  # the other run's lock is left alone
    finally:
        get_redis().delete(key)
    assert run.status == SyncStatus.FAILED.value and run.error_code == "lock_lost"
    assert "lost its account lock" in (run.error or "")
    assert len(written) == 2  # the second slice was refused before it read anything
    assert run.steps_done == len(ENTITY_EDGES) + 1 < run.steps_total
    with session_scope() as session:
        assert session.get(AdAccount, account_id).last_synced_at is None  # never marked fresh
