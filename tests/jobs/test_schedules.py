"""Schedules: mirrored into rq-scheduler under stable ids, never duplicated by restarts, fired by the
scheduler process, editable per account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from nicegui import app
from rq import Queue
from rq_scheduler import Scheduler

from tests.jobs.conftest import run_cli
from tests.support import bearer_for, grant, make_user
from trafficdash import db
from trafficdash.jobs import embedded, schedules
from trafficdash.jobs.queues import connection
from trafficdash.jobs.runner import SCHEDULER_HEARTBEAT_KEY
from trafficdash.models import AccountSchedule, AdAccount


def _scheduled_ids() -> list[str]:
    ids = (m.decode() for m in connection().zrange(Scheduler.scheduled_jobs_key, 0, -1))
    return sorted(i for i in ids if i.startswith(schedules.JOB_ID_PREFIX))  # (other features schedule too)


def _setup(session) -> int:
    owner = make_user(session, "owner@x.io")
    session.add_all(
        [
            AdAccount(id=51, name="São Paulo", timezone_name="America/Sao_Paulo"),
            AdAccount(id=52, name="Tokyo", timezone_name="Asia/Tokyo"),
            AdAccount(id=53, name="Nobody's"),  # no access row: never scheduled
        ]
    )
    session.flush()
    grant(session, owner, 51, 52)
    session.commit()
    return owner.id


def test_registration_is_idempotent_and_nightly_is_local(session) -> None:
    _setup(session)
    first = schedules.register_all()
    assert (first.registered, first.kept) == (4, 0)
    ids = _scheduled_ids()
    assert ids == [
        "trafficdash-schedule-nightly-51",
        "trafficdash-schedule-nightly-52",
        "trafficdash-schedule-sync-51",
        "trafficdash-schedule-sync-52",
    ]
    next_times = {i: connection().zscore(Scheduler.scheduled_jobs_key, i) for i in ids}
    again = schedules.register_all()  # a restart: nothing re-registered, next run times kept
    assert (again.registered, again.kept, again.cancelled) == (0, 4, 0)
    assert {i: connection().zscore(Scheduler.scheduled_jobs_key, i) for i in ids} == next_times
    (view,) = [v for v in schedules.views(session, [51, 52]) if v.account_id == 51]
    local = view.next_nightly_at.astimezone(ZoneInfo("America/Sao_Paulo"))
    assert (local.hour, local.minute) == (3, 0)
    assert timedelta(hours=2, minutes=59) < view.next_sync_at - datetime.now(UTC) <= timedelta(hours=3)


def test_a_newly_connected_account_is_scheduled_with_its_first_sync(session, monkeypatch) -> None:
    from trafficdash.jobs import enqueue, runner, tasks

    _setup(session)
    monkeypatch.setattr(tasks, "connected_account_ids", lambda: [51])  # 51 just connected
    queued: list[list[int]] = []
    monkeypatch.setattr(enqueue, "enqueue_sync", lambda ids, **_: queued.append(list(ids)))
    assert runner.enqueue_first_syncs() == [51]
    assert queued == [[51]]
    assert _scheduled_ids() == ["trafficdash-schedule-nightly-51", "trafficdash-schedule-sync-51"]


def test_redis_losing_its_data_gets_every_schedule_back(session) -> None:
    _setup(session)
    schedules.register_all()
    connection().flushdb()  # Redis restarted without persistence
    embedded.start_jobs()  # the web app starting with a real Redis re-registers
    assert len(_scheduled_ids()) == 4
    every_id = {m.decode() for m in connection().zrange(Scheduler.scheduled_jobs_key, 0, -1)}
    # The app-wide periodic jobs come back too: alert checks, anomalies, the reports tick.
    assert {
        "trafficdash-alerts-evaluate",
        "trafficdash-alerts-anomalies",
        "trafficdash-reports-due",
    } <= every_id


def test_editing_a_schedule_replaces_its_job(user) -> None:
    with db.session_scope() as s:
        owner_id = _setup(s)
    schedules.register_all()
    client = TestClient(app)
    headers = bearer_for(owner_id)
    r = client.put(
        "/api/sync/schedules/act_51", json={"interval_minutes": 60, "nightly_enabled": False}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["interval_minutes"] == 60 and r.json()["next_nightly_at"] is None
    assert "trafficdash-schedule-nightly-51" not in _scheduled_ids()
    assert len(_scheduled_ids()) == 3
    with db.session_scope() as s:
        assert s.get(AccountSchedule, 51).interval_minutes == 60
    assert schedules.register_all().registered == 0  # the database and the mirror agree
    off = client.put(
        "/api/sync/schedules/51", json={"interval_minutes": 0, "nightly_enabled": False}, headers=headers
    )
    assert off.json()["next_sync_at"] is None
    bad = client.put("/api/sync/schedules/51", json={"interval_minutes": 7}, headers=headers)
    assert bad.status_code == 422 and "one of" in bad.json()["detail"]
    listed = client.get("/api/sync/schedules", headers=headers).json()
    assert [s["account_id"] for s in listed] == [51, 52]


def test_scheduler_process_enqueues_due_jobs_without_duplicates(session, real_redis) -> None:
    _setup(session)
    schedules.register_all()  # what the previous scheduler (or web) start registered
    assert len(Queue("default", connection=connection())) == 0  # nothing due yet
    past = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)
    connection().zadd(Scheduler.scheduled_jobs_key, {"trafficdash-schedule-sync-51": past.timestamp()})
    assert len(_scheduled_ids()) == 4

    second = run_cli("scheduler", "--burst", "--interval", "1")  # a restart of the scheduler
    assert second.returncode == 0, second.stderr[-2000:]
    assert connection().exists(SCHEDULER_HEARTBEAT_KEY)
    default = Queue("default", connection=connection())
    assert [i for i in default.job_ids if i.startswith(schedules.JOB_ID_PREFIX)] == [
        "trafficdash-schedule-sync-51"
    ]
    assert len(_scheduled_ids()) == 4  # re-registered, not duplicated; the fired job is due again later
    next_at = connection().zscore(Scheduler.scheduled_jobs_key, "trafficdash-schedule-sync-51")
    assert next_at > datetime.now(UTC).timestamp() + 2.9 * 3600
