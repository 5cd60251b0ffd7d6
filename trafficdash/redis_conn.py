"""The Redis connection: a real server when configured, an in-process stand-in otherwise.

The stand-in (fakeredis) speaks the same protocol to RQ, rq-scheduler, locks, rate limits
and the cache, so the embedded default runs exactly the production code paths.
"""

from __future__ import annotations

import threading

import fakeredis
import redis

from trafficdash.settings import Settings, get_settings

_lock = threading.Lock()
_client: redis.Redis | None = None
_fake_server: fakeredis.FakeServer | None = None


def connect(settings: Settings | None = None) -> redis.Redis:
    settings = settings or get_settings()
    if settings.redis_url:
        return redis.Redis.from_url(settings.redis_url, health_check_interval=30)
    global _fake_server
    if _fake_server is None:
        _fake_server = fakeredis.FakeServer()
    return fakeredis.FakeRedis(server=_fake_server)


def get_redis() -> redis.Redis:
    """The process-wide client (connection-pooled; safe to share between threads)."""
    global _client
    with _lock:
        if _client is None:
            _client = connect()
        return _client


def reset() -> None:
    """Forget the client (tests switch settings between runs)."""
    global _client, _fake_server
    with _lock:
        if _client is not None:
            _client.close()
        _client = None
        _fake_server = None


def ping(client: redis.Redis | None = None) -> bool:
    try:
        return bool((client or get_redis()).ping())
    except redis.RedisError:
        return False
