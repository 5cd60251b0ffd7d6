"""Pace calls by Meta's usage headers and retry throttled or transient failures with backoff.

Meta reports how much of each budget is used (``X-App-Usage``, ``X-Ad-Account-Usage``,
``X-Business-Use-Case-Usage``, ``X-FB-Ads-Insights-Throttle``, in percent). Past
``SLOW_DOWN_AT`` percent we pause before the next call, longer as usage nears 100, so Meta
rarely has to block us; when it does, we wait what it asks (``estimated_time_to_regain_access``)
or an exponential backoff with full jitter, for a bounded number of tries.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from trafficdash.meta.errors import ErrorKind, MetaError, classify

log = logging.getLogger(__name__)
T = TypeVar("T")

SLOW_DOWN_AT = 75.0  # percent of any budget
MAX_PACING_SECONDS = 30.0


def sleep(seconds: float) -> None:
    """Module-level so tests can replace the clock (they assert waits, never sit through them)."""
    time.sleep(seconds)


@dataclass
class RetryPolicy:
    max_tries: int = 8
    base_delay: float = 1.0
    max_delay: float = 120.0
    # Longest wait Meta may ask for before we stop the sync and say when to retry instead.
    max_regain_wait: float = 15 * 60.0


# A person is waiting (the login callback, ``trafficdash connect``): the same rules, shorter patience.
INTERACTIVE_RETRY = RetryPolicy(max_tries=5, base_delay=0.5, max_delay=4.0, max_regain_wait=10.0)


class Throttle:
    """Usage-aware pacing for one token (thread-safe: fetch threads share it)."""

    def __init__(self, policy: RetryPolicy | None = None, rng: random.Random | None = None) -> None:
        self.policy = policy or RetryPolicy()
        self.usage_pct = 0.0
        self.calls = 0
        self.retries = 0
        self.waited = 0.0
        self._rng = rng or random.Random()
        self._lock = threading.Lock()

    # ---- usage headers ---------------------------------------------------------------------------
    def observe(self, headers: Any) -> float:
        """Record the highest budget use reported in these response headers; returns it."""
        pct = usage_percent(headers)
        with self._lock:
            self.usage_pct = pct
            self.calls += 1
        return pct

    def pace(self) -> None:
        """Pause before a call when the last response said a budget is nearly used."""
        pct = self.usage_pct
        if pct < SLOW_DOWN_AT:
            return
        # 75% -> ~1 s, 90% -> ~10 s, 99% -> 30 s: the nearer to the wall, the slower.
        span = max(1.0, 100.0 - SLOW_DOWN_AT)
        delay = min(MAX_PACING_SECONDS, (((pct - SLOW_DOWN_AT) / span) ** 2) * MAX_PACING_SECONDS + 1.0)
        self._wait(delay)

    # ---- retries ---------------------------------------------------------------------------------
    def backoff(self, attempt: int, error: MetaError) -> float:
        """Seconds to wait before try number ``attempt + 1`` (attempt counts from 1)."""
        if error.retry_after:
            # Meta said how long: honour it, plus a little jitter so workers do not stampede.
            return error.retry_after + self._rng.uniform(0, min(5.0, error.retry_after * 0.1))
        cap = min(self.policy.max_delay, self.policy.base_delay * (2 ** (attempt - 1)))
        if error.kind == ErrorKind.THROTTLED:
            cap = max(cap, 5.0 * attempt)
        return self._rng.uniform(cap / 2, cap)  # "equal jitter": never zero, never synchronised

    def call(self, fn: Callable[[], T], what: str = "Meta call") -> T:
        """Run ``fn`` with pacing and bounded retries of throttled/transient failures."""
        attempt = 0
        while True:
            attempt += 1
            self.pace()
            try:
                return fn()
            except Exception as exc:  # classified below; unknown errors re-raised
                try:
                    error = classify(exc)
                except TypeError:
                    raise exc from None
                if not error.retryable or attempt >= self.policy.max_tries:
                    if error.retryable:
                        error.message = f"{error.message} (gave up after {attempt} tries: {what})"
                    raise error from exc
                delay = self.backoff(attempt, error)
                if error.retry_after and error.retry_after > self.policy.max_regain_wait:
                    error.message = (
                        f"{error.message} (Meta asked to wait {error.retry_after / 60:.0f} min; "
                        "the sync stops and resumes on the next run)"
                    )
                    raise error from exc
                log.info("%s failed (%s); retry %d in %.1fs", what, error.describe(), attempt, delay)
                with self._lock:
                    self.retries += 1
                self._wait(delay)

    def _wait(self, seconds: float) -> None:
        with self._lock:
            self.waited += seconds
        sleep(seconds)


def usage_percent(headers: Any) -> float:
    """Highest percentage in any of Meta's usage headers (0 when absent or unreadable)."""
    if not headers:
        return 0.0
    try:
        lower = {str(k).lower(): v for k, v in dict(headers).items()}
    except (TypeError, ValueError):
        return 0.0
    best = 0.0
    for name in (
        "x-app-usage",
        "x-ad-account-usage",
        "x-business-use-case-usage",
        "x-fb-ads-insights-throttle",
    ):
        raw = lower.get(name)
        if not raw:
            continue
        try:
            best = max(best, _max_pct(json.loads(raw)))
        except (TypeError, ValueError):
            continue
    return best


_PCT_KEYS = ("call_count", "total_cputime", "total_time", "acc_id_util_pct", "app_id_util_pct")


def _max_pct(value: Any) -> float:
    if isinstance(value, list):
        return max((_max_pct(v) for v in value), default=0.0)
    if isinstance(value, dict):
        best = 0.0
        for key, v in value.items():
            if key in _PCT_KEYS and isinstance(v, (int, float)):
                best = max(best, float(v))
            elif isinstance(v, (dict, list)):
                best = max(best, _max_pct(v))
        return best
    return 0.0
