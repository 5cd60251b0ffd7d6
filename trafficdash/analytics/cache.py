"""Redis cache in front of the analytics queries.

A key holds the user's visible account ids and the question; each entry is stamped with the
data version of every one of those accounts, so a sync (which bumps the version of its
account) turns every answer that could include that account into a miss at once: no stale
numbers, no scan-and-delete, and one Redis round trip per read. Answers are pydantic models
stored as JSON; Decimals travel as strings, so money comes back exact.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import redis
from pydantic import BaseModel, TypeAdapter

from trafficdash.redis_conn import get_redis

log = logging.getLogger(__name__)

T = TypeVar("T")

PREFIX = "td:analytics"
VERSION_KEY = PREFIX + ":account-version:{}"
# Versions make invalidation exact; the TTL only bounds memory.
TTL_SECONDS = 6 * 3600
# Bump when the shape of cached answers changes, so old entries are never read back.
SCHEMA_VERSION = "1"


def bump_account_version(account_id: int) -> int:
    """Mark the account's data as changed: every cached answer including it is dropped."""
    return int(get_redis().incr(VERSION_KEY.format(account_id)))


def account_versions(account_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    raw = get_redis().mget([VERSION_KEY.format(a) for a in ids])
    return {a: int(v) if v is not None else 0 for a, v in zip(ids, raw, strict=True)}


def _params_json(params: Any) -> str:
    if isinstance(params, BaseModel):
        return params.model_dump_json()
    return json.dumps(params, sort_keys=True, default=str)


def cache_key(kind: str, visible_account_ids: Iterable[int], params: Any) -> str:
    """The key of one answer: its kind, the user's visible account ids and the params."""
    scope = ",".join(str(a) for a in sorted(set(visible_account_ids)))
    digest = hashlib.sha256(f"{scope}|{_params_json(params)}".encode()).hexdigest()[:40]
    return f"{PREFIX}:{SCHEMA_VERSION}:{kind}:{digest}"


def _stamp(ids: list[int], raw_versions: list[Any]) -> bytes:
    return ",".join(
        f"{a}:{int(v) if v is not None else 0}" for a, v in zip(ids, raw_versions, strict=True)
    ).encode()


@lru_cache(maxsize=64)
def _adapter(answer_type: Any) -> TypeAdapter[Any]:
    # Building a TypeAdapter costs milliseconds: once per answer type, not per request.
    return TypeAdapter(answer_type)


@dataclass(frozen=True)
class Question:
    """One analytics question for a user's visible accounts, answered through the cache.

    One round trip reads the versions of every visible account and the entry; the entry is
    stamped with the versions it was computed at, and a stamp that differs from today's (a
    sync bumped an account) means a miss. A Redis outage degrades to computing every time
    (logged), never to an error page.
    """

    kind: str
    visible_account_ids: Iterable[int]
    params: Any
    answer_type: Any
    compute: Callable[[], Any]

    def json(self) -> bytes:
        """As the API sends it: a hit goes out as stored, with no model in between."""
        return self._ask()[0]

    def answer(self) -> Any:
        """As the pages use it: parsed from a hit, or the freshly computed models on a miss."""
        body, answer = self._ask()
        return answer if answer is not None else _adapter(self.answer_type).validate_json(body)

    def _ask(self) -> tuple[bytes, Any | None]:
        """(JSON body, the computed answer on a miss; None on a hit)."""
        adapter = _adapter(self.answer_type)
        ids = sorted(set(self.visible_account_ids))
        key = cache_key(self.kind, ids, self.params)
        try:
            pipe = get_redis().pipeline(transaction=False)
            pipe.mget([VERSION_KEY.format(a) for a in ids] or [VERSION_KEY.format("none")])
            pipe.get(key)
            raw_versions, hit = pipe.execute()
        except redis.RedisError as exc:
            log.warning("analytics cache unavailable, computing directly: %s", exc)
            answer = self.compute()
            return adapter.dump_json(answer), answer
        stamp = _stamp(ids, raw_versions if ids else [])
        if hit is not None:
            stored_stamp, _, body = hit.partition(b"\n")
            if stored_stamp == stamp:
                return body, None
        answer = self.compute()
        body = adapter.dump_json(answer)
        try:
            get_redis().set(key, stamp + b"\n" + body, ex=TTL_SECONDS)
        except redis.RedisError as exc:
            log.warning("analytics cache write failed: %s", exc)
        return body, answer


def cached(
    kind: str,
    visible_account_ids: Iterable[int],
    params: Any,
    answer_type: Any,
    compute: Callable[[], T],
) -> T:
    """The answer for the accounts' current data versions, from the cache or ``compute()``."""
    return Question(kind, visible_account_ids, params, answer_type, compute).answer()
