"""The embedded default: no Redis server, the same RQ worker and rq-scheduler code as threads."""

from __future__ import annotations

import time

import fakeredis
import pytest

from tests.sync.conftest import account_ids
from trafficdash import db, redis_conn
from trafficdash.jobs import embedded, schedules
from trafficdash.jobs import status as sync_status
from trafficdash.jobs.queues import connection
from trafficdash.jobs.runner import scheduler_alive
from trafficdash.models import SyncRun, SyncStatus, SyncTrigger, User
from trafficdash.settings import get_settings, reset_settings_cache


def _wait_for_runs(expected: int, timeout: float = 90) -> list[SyncRun]:
    deadline = time.monotonic() + timeout
    while True:
        with db.session_scope() as session:
            runs = session.query(SyncRun).order_by(SyncRun.id).all()
        if len(runs) >= expected and all(r.status not in ("queued", "running") for r in runs):
            return runs
        assert time.monotonic() < deadline, [(r.ad_account_id, r.status, r.phase) for r in runs]
        time.sleep(0.2)


@pytest.fixture
def no_redis_server(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("TRAFFICDASH_REDIS_URL", raising=False)
    reset_settings_cache()
    redis_conn.reset()
    assert get_settings().redis_url is None
    yield
    embedded.stop_jobs()
    redis_conn.reset()


def test_embedded_syncs_the_demo_accounts_on_first_start_and_on_the_button(world, no_redis_server) -> None:
    assert isinstance(connection(), fakeredis.FakeRedis)
    accounts = account_ids(world)
    jobs = embedded.start_jobs()
    assert jobs is not None and jobs.running

    first = _wait_for_runs(len(accounts))
    assert {r.ad_account_id for r in first} == set(accounts)
    assert {(r.status, r.trigger) for r in first} == {
        (SyncStatus.SUCCEEDED.value, SyncTrigger.FIRST_CONNECT.value)
    }
    assert all(r.rows_written > 0 for r in first)
    assert scheduler_alive()
    scheduled = [m.decode() for m in connection().zrange("rq:scheduler:scheduled_jobs", 0, -1)]
    assert len([i for i in scheduled if i.startswith(schedules.JOB_ID_PREFIX)]) == 2 * len(accounts)

    with db.session_scope() as session:  # "Sync now" from the page
        user_id = session.query(User).order_by(User.id).first().id
        (started,) = sync_status.start_sync(session, user_id, [accounts[0]])
    runs = _wait_for_runs(len(accounts) + 1)
    pressed = next(r for r in runs if r.id == started.run_id)
    assert pressed.status == SyncStatus.SUCCEEDED.value, pressed.error
    assert pressed.trigger == "manual"

    embedded.stop_jobs()
    assert not jobs.running
