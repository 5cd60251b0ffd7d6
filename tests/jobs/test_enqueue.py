"""One sync per account, the watchdog, and the API's isolation (another user's account or run -> 404)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from nicegui import app
from rq import Queue

from tests.support import bearer_for, grant, make_user
from trafficdash import db
from trafficdash.jobs import enqueue, watchdog
from trafficdash.jobs.queues import connection
from trafficdash.models import AdAccount, SyncRun, SyncStatus
from trafficdash.sync import lock as sync_lock


def _accounts(session, *ids: int) -> None:
    session.add_all([AdAccount(id=i, name=f"Account {i}") for i in ids])
    session.flush()


def test_second_trigger_returns_the_same_job_until_it_ends(session) -> None:
    _accounts(session, 11, 12)
    session.commit()
    first = enqueue.enqueue_sync([11, 12, 11], trigger="manual", user_id=None)
    assert len(first) == 2  # an account listed twice is one job
    again = enqueue.enqueue_sync([12, 11], trigger="api", user_id=None)
    assert {j.id for j in again} == {j.id for j in first}
    assert len(Queue("sync", connection=connection())) == 2
    with db.session_scope() as s:
        assert s.query(SyncRun).count() == 2
    # The job is failed (e.g. out of retries): the account is free again.
    first[0].set_status("failed")
    fresh = enqueue.enqueue_sync([11], trigger="manual", user_id=None)[0]
    assert fresh.id != first[0].id and fresh.meta["run_id"] != first[0].meta["run_id"]


def test_watchdog_abandons_a_silent_run_and_frees_its_lock(session) -> None:
    _accounts(session, 21)
    session.commit()
    (job,) = enqueue.enqueue_sync([21], trigger="manual", user_id=None)
    run_id = job.meta["run_id"]
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    with db.session_scope() as s:
        run = s.get(SyncRun, run_id)
        run.status, run.started_at, run.heartbeat_at = SyncStatus.RUNNING.value, long_ago, long_ago
    job.set_status("started")  # what RQ shows after its worker was SIGKILLed
    client = connection()
    client.set(sync_lock.lock_key(21), str(run_id), ex=60)
    client.set(sync_lock.lock_key(22), "999", ex=60)  # another account's lock is none of its business

    report = watchdog.sweep()

    assert report.abandoned_runs == [run_id] and report.locks_cleared == [21]
    assert client.get(sync_lock.lock_key(21)) is None and client.get(sync_lock.lock_key(22)) == b"999"
    assert report.pointers_cleared == [21]
    with db.session_scope() as s:
        run = s.get(SyncRun, run_id)
        assert run.status == SyncStatus.ABANDONED.value and "resumes" in run.error
    assert enqueue.enqueue_sync([21], trigger="manual", user_id=None)[0].id != job.id


def test_watchdog_leaves_live_runs_alone(session) -> None:
    _accounts(session, 31)
    session.commit()
    (job,) = enqueue.enqueue_sync([31], trigger="manual", user_id=None)
    with db.session_scope() as s:
        run = s.get(SyncRun, job.meta["run_id"])
        run.status, run.heartbeat_at = SyncStatus.RUNNING.value, datetime.now(UTC)
    job.set_status("started")
    assert watchdog.sweep().abandoned_runs == []
    assert enqueue.live_job(31).id == job.id


def test_sync_api_is_scoped_to_the_user(user) -> None:
    with db.session_scope() as s:
        ana, bia = make_user(s, "ana@x.io"), make_user(s, "bia@x.io")
        _accounts(s, 41, 42)
        grant(s, ana, 41)
        grant(s, bia, 42)
        ana_id, bia_id = ana.id, bia.id
    client = TestClient(app)
    ana_h, bia_h = bearer_for(ana_id), bearer_for(bia_id)

    started = client.post("/api/sync", json={"account_ids": ["act_41"]}, headers=ana_h)
    assert started.status_code == 202, started.text
    (run,) = started.json()["runs"]
    assert run["account_id"] == 41 and run["status"] == "queued" and run["job_id"]
    same = client.post("/api/sync", json={"account_ids": [41]}, headers=ana_h).json()["runs"][0]
    assert same["run_id"] == run["run_id"]

    assert client.get(f"/api/sync/{run['run_id']}", headers=ana_h).json()["phase"] == "queued"
    assert client.get(f"/api/sync/{run['job_id']}", headers=ana_h).json()["run_id"] == run["run_id"]
    # Bia can neither read Ana's run (by run id or job id) nor sync Ana's account.
    assert client.get(f"/api/sync/{run['run_id']}", headers=bia_h).status_code == 404
    assert client.get(f"/api/sync/{run['job_id']}", headers=bia_h).status_code == 404
    assert client.post("/api/sync", json={"account_ids": [41]}, headers=bia_h).status_code == 404
    assert client.post("/api/sync", json={"account_ids": [41, 42]}, headers=bia_h).status_code == 404
    assert client.get("/api/sync/runs", params={"account_id": 41}, headers=bia_h).status_code == 404
    assert client.get("/api/sync/runs", headers=bia_h).json() == []
    assert [r["run_id"] for r in client.get("/api/sync/runs", headers=ana_h).json()] == [run["run_id"]]
    assert (
        client.put("/api/sync/schedules/41", json={"interval_minutes": 60}, headers=bia_h).status_code == 404
    )
    assert client.get("/api/sync/99999999", headers=ana_h).status_code == 404
    assert client.get("/api/sync/x" * 1, headers=ana_h).status_code == 404
    assert client.post("/api/sync", json={"account_ids": ["nope"]}, headers=ana_h).status_code == 404
    assert client.post("/api/sync", json={"account_ids": [41]}).status_code == 401
