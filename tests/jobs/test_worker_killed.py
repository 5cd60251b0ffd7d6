"""A worker SIGKILLed mid-sync: the run is abandoned, the lock freed, and the next run ends exact."""

from __future__ import annotations

import os
import signal
import time
from datetime import date, timedelta
from pathlib import Path

from tests.jobs.conftest import run_cli, start_cli
from tests.sync.conftest import account_ids
from tests.sync.helpers import db_totals, meta_totals
from trafficdash import db
from trafficdash.jobs import enqueue, watchdog
from trafficdash.jobs.queues import connection
from trafficdash.models import SyncRun, SyncStatus
from trafficdash.sync import lock as sync_lock


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _run(run_id: int) -> SyncRun:
    with db.session_scope() as session:
        return session.get(SyncRun, run_id)


def test_sigkilled_worker_then_new_worker_ends_exact(world, real_redis) -> None:
    account = account_ids(world)[0]
    world.set_faults(slow_response_ms=40)  # slow enough to be caught in the middle
    (job,) = enqueue.enqueue_sync([account], trigger="manual", user_id=None)
    run_id = job.meta["run_id"]
    worker = start_cli("worker", "--queues", "sync")
    try:
        deadline = time.monotonic() + 90
        while True:
            run = _run(run_id)
            if run.status == SyncStatus.RUNNING.value and run.rows_written > 0:
                break
            assert run.status in (SyncStatus.QUEUED.value, SyncStatus.RUNNING.value), (run.status, run.error)
            assert time.monotonic() < deadline, "the sync never got going"
            time.sleep(0.05)
        victims = [*_children(worker.pid), worker.pid]  # the work horse and the worker itself
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert connection().get(sync_lock.lock_key(account)) == str(run_id).encode()  # held by a dead run
    assert enqueue.enqueue_sync([account], trigger="manual", user_id=None)[0].id == job.id  # still looks busy

    report = watchdog.sweep(stale_after=timedelta(0))  # as if the heartbeat had gone quiet for long
    assert report.abandoned_runs == [run_id] and report.locks_cleared == [account]
    assert _run(run_id).status == SyncStatus.ABANDONED.value

    world.reset_faults()
    (second,) = enqueue.enqueue_sync([account], trigger="manual", user_id=None)
    assert second.id != job.id
    done = run_cli("worker", "--burst", "--queues", "sync", timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    resumed = _run(second.meta["run_id"])
    assert resumed.status == SyncStatus.SUCCEEDED.value, resumed.error
    assert resumed.checkpoint.get("resumed_slices", 0) > 0  # it did not start from scratch
    assert connection().get(sync_lock.lock_key(account)) is None
    assert db_totals(account, date(2000, 1, 1), date(2100, 1, 1)) == meta_totals(
        world, account, resumed.since, resumed.until
    )


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has stopped; only its exit status waits to be collected


def _wait_until_writing(run_id: int) -> None:
    deadline = time.monotonic() + 90
    while True:
        run = _run(run_id)
        if run.status == SyncStatus.RUNNING.value and run.rows_written > 0:
            return
        assert run.status in (SyncStatus.QUEUED.value, SyncStatus.RUNNING.value), (run.status, run.error)
        assert time.monotonic() < deadline, "the sync never got going"
        time.sleep(0.05)


def test_a_killed_workers_horse_dies_and_sync_now_starts_a_new_run_within_a_minute(world, real_redis) -> None:
    account = account_ids(world)[0]
    world.set_faults(slow_response_ms=150)  # a horse left alone would still be syncing long after
    (job,) = enqueue.enqueue_sync([account], trigger="manual", user_id=None)
    run_id = job.meta["run_id"]
    worker = start_cli("worker", "--queues", "sync")
    try:
        _wait_until_writing(run_id)
        # RQ puts the work horse in a process group of its own.
        horses = [pid for pid in _children(worker.pid) if os.getpgid(pid) == pid]
        assert horses, "no work horse found"
        steps_at_kill = _run(run_id).steps_done
        killed_at = time.monotonic()
        os.kill(worker.pid, signal.SIGKILL)  # the worker only, as a container stop or OOM would
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in horses):
        assert time.monotonic() < deadline, "the work horse outlived its worker"
        time.sleep(0.05)
    orphaned = _run(
        run_id
    )  # the horse wrote nothing after its worker died (one commit may have been landing)
    assert orphaned.status == SyncStatus.RUNNING.value and orphaned.steps_done <= steps_at_kill + 1

    # No scheduler runs here: "Sync now" itself finds the run's heartbeat silent and starts afresh.
    while True:
        (again,) = enqueue.enqueue_sync([account], trigger="manual", user_id=None)
        if again.id != job.id:
            break
        assert time.monotonic() - killed_at < 60, "the dead run still blocks the account after a minute"
        time.sleep(0.5)
    dead = _run(run_id)
    assert dead.status == SyncStatus.ABANDONED.value and "worker stopped" in (dead.error or "")
    assert connection().get(sync_lock.lock_key(account)) is None  # the dead run's lock went with it
