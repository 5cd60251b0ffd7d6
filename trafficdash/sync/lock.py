"""One sync per ad account: a Redis lock that expires if its worker dies.

The lock's value is the run id, so a second trigger learns which run is in progress. A
heartbeat thread renews the TTL (and the run's ``heartbeat_at``) while the sync is alive;
after a SIGKILL nobody renews it and it expires within ``TTL_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import redis

from trafficdash.redis_conn import get_redis

log = logging.getLogger(__name__)

TTL_SECONDS = 60
RENEW_EVERY_SECONDS = 15

# Renew / release only if we still own the lock (never someone else's after an expiry).
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end return 0"
)
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def lock_key(account_id: int) -> str:
    return f"trafficdash:sync-lock:{account_id}"


def holder(account_id: int, client: redis.Redis | None = None) -> int | None:
    """The run id holding the account's lock, if any."""
    value = (client or get_redis()).get(lock_key(account_id))
    return int(value) if value else None


class AccountLock:
    def __init__(self, account_id: int, run_id: int, on_beat: Callable[[], None] | None = None) -> None:
        self.account_id = account_id
        self.run_id = run_id
        self.key = lock_key(account_id)
        self.on_beat = on_beat
        self._client = get_redis()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = False

    def acquire(self) -> bool:
        if not self._client.set(self.key, str(self.run_id), nx=True, ex=TTL_SECONDS):
            return False
        self._thread = threading.Thread(target=self._beat, name=f"sync-lock-{self.account_id}", daemon=True)
        self._thread.start()
        return True

    def _beat(self) -> None:
        while not self._stop.wait(RENEW_EVERY_SECONDS):
            try:
                if not self._if_owner(lambda pipe: pipe.expire(self.key, TTL_SECONDS)):
                    self.lost = True
                    log.warning("sync lock of account %s was lost (expired?)", self.account_id)
                if self.on_beat:
                    self.on_beat()
            except Exception:  # a missed beat is retried; the TTL covers a few misses
                log.exception("sync heartbeat failed for account %s", self.account_id)

    def _if_owner(self, action: Callable[[Any], Any]) -> bool:
        """Renew / release only while we still own the lock (never someone else's after an expiry).

        WATCH/MULTI rather than a Lua script: the in-process stand-in of the embedded mode has no EVAL.
        """
        with self._client.pipeline() as pipe:
            try:
                pipe.watch(self.key)
                if pipe.get(self.key) != str(self.run_id).encode():
                    pipe.unwatch()
                    return False
                pipe.multi()
                action(pipe)
                pipe.execute()
                return True
            except redis.WatchError:
                return False

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self._if_owner(lambda pipe: pipe.delete(self.key))
        except redis.RedisError:
            log.exception(
                "could not release the sync lock of account %s (it expires by itself)", self.account_id
            )
