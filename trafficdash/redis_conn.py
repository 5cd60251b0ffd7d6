"""The Redis connection: a real server when configured, an in-process stand-in otherwise.

The stand-in (fakeredis) speaks the same protocol to RQ, rq-scheduler, locks, rate limits
and the cache, so the embedded default runs exactly the production code paths.

Every client has short connect and read timeouts (``TRAFFICDASH_REDIS_TIMEOUT_SECONDS``) and
retries only a broken connection, never a timeout: a hung Redis costs a request a fraction of
a second, after which the cache and the rate limiter step aside as when Redis is down. RQ
workers lengthen the read timeout of their own connection past their blocking dequeue.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import fakeredis
import redis
import redis.asyncio
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry

from trafficdash.settings import Settings, get_settings

_lock = threading.Lock()
_client: redis.Redis | None = None
_fake_server: fakeredis.FakeServer | None = None
# asyncio connections belong to the event loop that opened them: one client per loop.
_async_clients: dict[asyncio.AbstractEventLoop, redis.asyncio.Redis] = {}


def _stand_in() -> fakeredis.FakeServer:
    global _fake_server
    if _fake_server is None:
        _fake_server = fakeredis.FakeServer()
    return _fake_server


def client_options(settings: Settings, retry: type[Retry] | type[AsyncRetry] = Retry) -> dict[str, Any]:
    """Timeouts and retries of every client (``AsyncRetry`` for the asyncio client)."""
    return {
        "socket_connect_timeout": settings.redis_timeout_seconds,
        "socket_timeout": settings.redis_timeout_seconds,
        "health_check_interval": 30,
        # One more try on a dropped connection (a Redis restart); a timeout is not tried again.
        "retry": retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    }


def url_with_timeouts(url: str, settings: Settings) -> str:
    """The URL carrying the timeouts, for clients built by other libraries from a URL alone
    (NiceGUI's session storage): redis-py lets URL options override its constructor's."""
    parts = urlsplit(url)
    timeouts = {
        "socket_connect_timeout": settings.redis_timeout_seconds,
        "socket_timeout": settings.redis_timeout_seconds,
    }
    query = "&".join(q for q in (parts.query, urlencode(timeouts)) if q)
    return urlunsplit(parts._replace(query=query))


def connect(settings: Settings | None = None) -> redis.Redis:
    settings = settings or get_settings()
    if settings.redis_url:
        return redis.Redis.from_url(settings.redis_url, **client_options(settings))
    return fakeredis.FakeRedis(server=_stand_in())


def get_async_redis() -> redis.asyncio.Redis:
    """The asyncio client of the running event loop, on the same server (or stand-in) as
    ``get_redis()``: for code on the event loop, which must not wait on a socket."""
    loop = asyncio.get_running_loop()
    with _lock:
        # A client's connections hold its loop, so the weak keys alone never let go of them: the
        # clients of finished loops (tests run one per request) are dropped here, for the GC.
        for finished in [other for other in _async_clients if other.is_closed()]:
            del _async_clients[finished]
        client = _async_clients.get(loop)
        if client is None:
            settings = get_settings()
            if settings.redis_url:
                options = client_options(settings, AsyncRetry)
                client = redis.asyncio.Redis.from_url(settings.redis_url, **options)
            else:
                client = fakeredis.FakeAsyncRedis(server=_stand_in())
            _async_clients[loop] = client
        return client


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
        _async_clients.clear()


def ping(client: redis.Redis | None = None) -> bool:
    try:
        return bool((client or get_redis()).ping())
    except redis.RedisError:
        return False
