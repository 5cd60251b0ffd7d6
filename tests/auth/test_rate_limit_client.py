"""The rate limiter counts on the event loop's own Redis client, in the same store as everything else."""

from __future__ import annotations

import asyncio

import pytest

from trafficdash import redis_conn
from trafficdash.auth.middleware import RATE_KEY_PREFIX, rate_limit_hit
from trafficdash.settings import reset_settings_cache

DAY = 86_400  # a window the test cannot straddle


def _hits(limit: int, times: int) -> list[int | None]:
    async def count() -> list[int | None]:
        return [await rate_limit_hit("api", "token:abc", limit, window=DAY) for _ in range(times)]

    return asyncio.run(count())  # a fresh event loop each call, like separate test clients


@pytest.mark.parametrize("store", ["configured", "in-process stand-in"])
def test_counts_are_shared_across_event_loops_and_with_the_sync_client(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store != "configured":
        monkeypatch.delenv("TRAFFICDASH_REDIS_URL", raising=False)
        reset_settings_cache()
        redis_conn.reset()
    assert _hits(limit=3, times=2) == [None, None]
    third, fourth = _hits(limit=3, times=2)  # another loop, same window: the count went on
    assert third is None and fourth is not None and 1 <= fourth <= DAY
    keys = redis_conn.get_redis().keys(f"{RATE_KEY_PREFIX}:api:token:abc:*")
    assert len(keys) == 1 and int(redis_conn.get_redis().get(keys[0])) == 4


def test_clients_of_finished_event_loops_are_let_go() -> None:
    for _ in range(5):
        _hits(limit=100, times=1)
    assert len(redis_conn._async_clients) <= 1  # at most the last loop's, until the next call
