"""A hung Redis (its process stopped with SIGSTOP) costs a request a fraction of a second, not minutes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
import redis
import redis.asyncio
from fastapi.testclient import TestClient
from nicegui import app

from tests.support import bearer_for, grant, make_user
from trafficdash import db, redis_conn
from trafficdash.models import AdAccount
from trafficdash.settings import reset_settings_cache

ANSWER_WITHIN_SECONDS = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pausable_redis(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """A throwaway redis-server the app is pointed at; calling the fixture's value stops (SIGSTOP) it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        probe = redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                if probe.ping():
                    break
            except redis.RedisError:
                assert time.monotonic() < deadline, "the throwaway redis-server did not start"
                time.sleep(0.05)
        probe.close()
        monkeypatch.setenv("TRAFFICDASH_REDIS_URL", f"redis://127.0.0.1:{port}/0")
        reset_settings_cache()
        redis_conn.reset()
        yield lambda: os.kill(server.pid, signal.SIGSTOP)
    finally:
        os.kill(server.pid, signal.SIGCONT)
        server.kill()
        server.wait(timeout=10)
        monkeypatch.undo()
        reset_settings_cache()
        redis_conn.reset()


def _timed(client: TestClient, path: str) -> tuple[float, int, dict]:
    start = time.monotonic()
    response = client.get(path)
    return time.monotonic() - start, response.status_code, response.json()


def test_a_hung_redis_does_not_stall_health_or_insights(user, pausable_redis) -> None:
    with db.session_scope() as session:
        ana = make_user(session)
        session.add(AdAccount(id=101, name="Shop", currency="USD"))
        session.flush()
        grant(session, ana, 101)
        ana_id = ana.id
    client = TestClient(app, headers=bearer_for(ana_id))
    summary = "/api/insights/summary?since=2024-01-01&until=2024-01-07"
    # Warm: pooled connections to Redis exist, so the pause hits them mid-conversation.
    assert client.get("/api/health").json()["redis"] == "ok"
    assert client.get(summary).status_code == 200

    pausable_redis()
    seconds, status, body = _timed(client, "/api/health")
    assert seconds < ANSWER_WITHIN_SECONDS, f"/api/health took {seconds:.1f}s"
    assert status == 200 and body["redis"] == "unavailable" and body["status"] == "degraded"
    seconds, status, body = _timed(client, summary)
    assert seconds < ANSWER_WITHIN_SECONDS, f"/api/insights/summary took {seconds:.1f}s"
    assert status == 200, body  # computed without the cache, let through without the rate limiter


def test_nicegui_session_storage_gets_the_timeouts_through_its_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from nicegui.storage import Storage

    from trafficdash.auth.sessions import configure_session_storage
    from trafficdash.settings import Settings

    monkeypatch.setattr(Storage, "redis_url", None)
    monkeypatch.setattr(Storage, "redis_key_prefix", Storage.redis_key_prefix)
    settings = Settings(_env_file=None, redis_url="redis://127.0.0.1:6379/3", redis_timeout_seconds=0.7)
    configure_session_storage(settings, shared=True)
    # NiceGUI passes its own keywords (no read timeout); the URL's options win over them.
    client = redis.asyncio.from_url(Storage.redis_url, socket_connect_timeout=5, retry_on_timeout=True)
    options = client.connection_pool.connection_kwargs
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.7 and options["db"] == 3
