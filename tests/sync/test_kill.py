"""A worker SIGKILLed mid-sync: its lock expires, the run is abandoned, the next run resumes exactly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date

from tests.sandbox.conftest import PINNED_TODAY
from tests.sync.conftest import account_ids
from tests.sync.helpers import clear_data, snapshot
from trafficdash.db import session_scope
from trafficdash.models import SyncRun
from trafficdash.redis_conn import get_redis
from trafficdash.sync import lock, runs, service
from trafficdash.sync.service import sync_account

# Before the lookback window (from 2026-11-17): the rerun may skip the slices the killed run wrote.
SINCE, UNTIL = date(2026, 11, 3), date(2026, 11, 16)

WORKER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, date, datetime
    from trafficdash.meta.reading import ReaderTuning
    from trafficdash.sync import clock, lock, service

    lock.TTL_SECONDS, lock.RENEW_EVERY_SECONDS = 3, 1
    y, m, d = map(int, sys.argv[2].split("-"))
    clock.now_utc = lambda: datetime(y, m, d, 15, tzinfo=UTC)
    service.TUNING = service.SyncTuning(slice_days=3, breakdown_slice_days=3, async_above_rows=10**9,
                                        reader=ReaderTuning(insight_page_size=1000))
    service.sync_account(int(sys.argv[1]), since=date(2026, 11, 3), until=date(2026, 11, 16))
    """
)


def _run(run_id: int) -> SyncRun:
    with session_scope() as session:
        run = session.get(SyncRun, run_id)
        session.expunge(run)
        return run


def test_sigkilled_sync_leaves_checkpoints_and_the_rerun_equals_one_clean_run(world, monkeypatch):
    # The same slice plan as the worker below, so that the rerun can skip the slices it wrote.
    monkeypatch.setattr(service.TUNING, "slice_days", 3)
    monkeypatch.setattr(service.TUNING, "breakdown_slice_days", 3)
    account_id = account_ids(world)[2]
    assert _run(sync_account(account_id, since=SINCE, until=UNTIL)).status == "succeeded"
    ref = snapshot()
    clear_data()

    world.set_faults(slow_response_ms=40)
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(account_id), PINNED_TODAY.isoformat()], env=os.environ.copy()
    )
    try:
        deadline = time.time() + 60
        run = None
        while time.time() < deadline:
            with session_scope() as session:
                run = (
                    session.query(SyncRun)
                    .filter_by(ad_account_id=account_id)
                    .order_by(SyncRun.id.desc())
                    .first()
                )
                if run is not None and run.steps_done >= 6:
                    break
            assert worker.poll() is None, "the worker finished before it could be killed"
            time.sleep(0.05)
        assert run is not None and run.steps_done >= 6
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    world.set_faults(slow_response_ms=0)
    killed = _run(run.id)
    assert killed.status == "running" and killed.steps_done < killed.steps_total
    assert killed.heartbeat_at is not None
    # A second trigger while the dead worker's lock lives gets the running run back...
    assert sync_account(account_id, since=SINCE, until=UNTIL) == killed.id
    # ...and the lock expires by itself (nobody renews it).
    assert 0 < get_redis().ttl(lock.lock_key(account_id)) <= 3
    deadline = time.time() + 10
    while lock.holder(account_id) is not None and time.time() < deadline:
        time.sleep(0.2)
    assert lock.holder(account_id) is None
    with session_scope() as session:  # what the jobs engineer's stale-run sweep does
        runs.mark_abandoned(session, killed.id, "worker stopped sending heartbeats")
    resumed = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert resumed.status == "succeeded"
    assert resumed.checkpoint["skipped_slices"] >= 3  # entities + at least 3 slices were not fetched again
    assert snapshot() == ref
