"""Readiness answers 200 only when the database, Redis, a live RQ worker and the scheduler beat are OK."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from nicegui import app
from rq import Queue, Worker

from trafficdash import redis_conn
from trafficdash.api.health import SCHEDULER_HEARTBEAT_KEY, scheduler_beating


@pytest.fixture
def registered_worker(user) -> Iterator[Worker]:
    # A real RQ worker registration (what `trafficdash worker` does on start), without its loop.
    client = redis_conn.get_redis()
    worker = Worker([Queue("default", connection=client)], connection=client)
    worker.register_birth()
    yield worker
    worker.register_death()


def _ready() -> tuple[int, dict]:
    response = TestClient(app).get("/api/health/ready")
    return response.status_code, response.json()


def test_not_ready_names_the_missing_worker_and_scheduler(user) -> None:
    status, body = _ready()
    assert status == 503
    assert body["status"] == "not_ready"
    assert body["checks"] == {
        "database": "ok",
        "redis": "ok",
        "workers": "unavailable",
        "scheduler": "unavailable",
    }
    assert body["failing"] == ["workers", "scheduler"] and body["workers"] == 0


def test_ready_with_a_live_worker_and_a_fresh_scheduler_beat(registered_worker) -> None:
    redis_conn.get_redis().set(SCHEDULER_HEARTBEAT_KEY, str(time.time()), ex=60)
    status, body = _ready()
    assert (status, body["status"], body["failing"], body["workers"]) == (200, "ready", [], 1)


def test_a_dead_worker_is_not_counted(registered_worker) -> None:
    redis_conn.get_redis().set(SCHEDULER_HEARTBEAT_KEY, str(time.time()), ex=60)
    registered_worker.register_death()
    status, body = _ready()
    assert status == 503 and body["failing"] == ["workers"]


def test_a_stale_scheduler_beat_fails_readiness(registered_worker) -> None:
    client = redis_conn.get_redis()
    client.set(SCHEDULER_HEARTBEAT_KEY, str(time.time() - 3600))
    status, body = _ready()
    assert status == 503 and body["failing"] == ["scheduler"]


def test_an_unreachable_database_fails_readiness(registered_worker, monkeypatch) -> None:
    from trafficdash import db

    redis_conn.get_redis().set(SCHEDULER_HEARTBEAT_KEY, str(time.time()), ex=60)
    monkeypatch.setattr(db, "_engine", db.make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    status, body = _ready()
    assert status == 503 and body["failing"] == ["database"]


def test_a_beat_with_a_ttl_is_alive_until_it_expires() -> None:
    client = redis_conn.get_redis()
    client.set(SCHEDULER_HEARTBEAT_KEY, datetime.now(UTC).isoformat(), ex=25)  # what the scheduler writes
    assert scheduler_beating(client)
    client.delete(SCHEDULER_HEARTBEAT_KEY)
    assert not scheduler_beating(client)


@pytest.mark.parametrize(
    ("value", "beating"),
    [
        (lambda now: str(now - 10), True),
        (lambda now: datetime.fromtimestamp(now - 10, UTC).isoformat(), True),
        (lambda now: datetime.fromtimestamp(now - 3600, UTC).isoformat(), False),
        (lambda now: "alive", False),  # neither a TTL nor a time: nothing says it is recent
    ],
)
def test_a_beat_without_ttl_is_judged_by_its_time(value, beating: bool) -> None:
    client = redis_conn.get_redis()
    now = time.time()
    client.set(SCHEDULER_HEARTBEAT_KEY, value(now))
    assert scheduler_beating(client, now=now) is beating


def test_embedded_default_turns_ready_with_its_threads(monkeypatch) -> None:
    """No Redis configured: the in-process stand-in, a worker thread and a scheduler thread."""
    from trafficdash.api.health import readiness
    from trafficdash.jobs import embedded
    from trafficdash.jobs.embedded import EmbeddedJobs
    from trafficdash.settings import reset_settings_cache

    monkeypatch.delenv("TRAFFICDASH_REDIS_URL", raising=False)
    reset_settings_cache()
    redis_conn.reset()
    assert readiness().failing == ["workers", "scheduler"]
    jobs = EmbeddedJobs(scheduler_interval=1)
    monkeypatch.setattr(embedded, "_embedded", jobs)
    jobs.start()
    try:
        deadline = time.monotonic() + 20
        while readiness().status != "ready" and time.monotonic() < deadline:
            time.sleep(0.2)
        answer = readiness()
        assert answer.status == "ready", answer
    finally:
        jobs.stop()
    assert "workers" in readiness().failing
    redis_conn.reset()


def test_liveness_stays_up_when_not_ready(user) -> None:
    response = TestClient(app).get("/api/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"
