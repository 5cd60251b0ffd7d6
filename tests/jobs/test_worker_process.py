"""Enqueue -> a real ``trafficdash worker --burst`` process -> the database equals Meta's totals."""

from __future__ import annotations

from datetime import date

from tests.jobs.conftest import run_cli
from tests.sync.conftest import account_ids
from tests.sync.helpers import db_totals, meta_totals
from trafficdash import db
from trafficdash.jobs import enqueue
from trafficdash.models import SyncRun, SyncStatus


def _runs() -> list[SyncRun]:
    with db.session_scope() as session:
        return list(session.query(SyncRun).order_by(SyncRun.id))


def test_worker_process_syncs_exact_totals(world, real_redis) -> None:
    accounts = account_ids(world)[:2]
    jobs = enqueue.enqueue_sync(accounts, trigger="manual", user_id=None)
    assert [j.meta["account_id"] for j in jobs] == accounts
    # Triggering again while queued returns the same jobs (one sync per account).
    again = enqueue.enqueue_sync(accounts, trigger="manual", user_id=None)
    assert [j.id for j in again] == [j.id for j in jobs]

    done = run_cli("worker", "--burst", "--queues", "sync,default", timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]

    runs = _runs()
    assert len(runs) == 2
    assert all(r.status == SyncStatus.SUCCEEDED.value for r in runs), [(r.status, r.error) for r in runs]
    assert all(r.rows_written > 0 for r in runs)
    for job in jobs:
        job.refresh()
        assert job.get_status() == "finished"
        assert job.return_value()["status"] == SyncStatus.SUCCEEDED.value
    for run in runs:
        assert run.since is not None and run.until is not None
        expected = meta_totals(world, run.ad_account_id, run.since, run.until)
        assert expected["impressions"] > 0
        assert db_totals(run.ad_account_id, date(2000, 1, 1), date(2100, 1, 1)) == expected
    # The pointers were released: the next trigger is a new job.
    assert enqueue.live_job(accounts[0]) is None
    assert enqueue.enqueue_sync(accounts[:1], trigger="manual", user_id=None)[0].id != jobs[0].id
