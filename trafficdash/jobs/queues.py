"""The RQ queues and the limits every job gets (timeouts, retries with backoff, result TTLs).

All queues share the process-wide Redis connection (``redis_conn.get_redis``: a real server,
or the in-process stand-in in the embedded default) — it returns bytes, as RQ requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from redis import Redis
from rq import Queue, Retry
from rq_scheduler import Scheduler

from trafficdash.redis_conn import get_redis


class QueueName(StrEnum):
    SYNC = "sync"
    REPORTS = "reports"
    DEFAULT = "default"  # light work: scheduled ticks, fan-outs, rollup refreshes


ALL_QUEUES: tuple[str, ...] = (QueueName.SYNC, QueueName.REPORTS, QueueName.DEFAULT)


@dataclass(frozen=True)
class JobLimits:
    timeout_seconds: int
    retries: int
    # Waits before each retry; RQ's scheduler (started with every worker) re-enqueues them.
    backoff_seconds: tuple[int, ...]
    result_ttl_seconds: int = 24 * 3600
    # Failed jobs stay visible (rq-dashboard, the failed registry) for a week.
    failure_ttl_seconds: int = 7 * 24 * 3600

    def retry(self) -> Retry | None:
        if self.retries < 1:
            return None
        return Retry(max=self.retries, interval=list(self.backoff_seconds))


LIMITS: dict[str, JobLimits] = {
    QueueName.SYNC: JobLimits(timeout_seconds=2 * 3600, retries=2, backoff_seconds=(30, 120)),
    QueueName.REPORTS: JobLimits(timeout_seconds=30 * 60, retries=1, backoff_seconds=(30,)),
    QueueName.DEFAULT: JobLimits(timeout_seconds=10 * 60, retries=2, backoff_seconds=(10, 60)),
}


def connection() -> Redis:
    return get_redis()


def make_scheduler(client: Redis | None = None, interval: float = 60) -> Scheduler:
    """rq-scheduler on the shared Redis, enqueuing onto the default queue."""
    return Scheduler(queue_name=QueueName.DEFAULT.value, connection=client or connection(), interval=interval)


def get_queue(name: str, client: Redis | None = None) -> Queue:
    if name not in ALL_QUEUES:
        raise ValueError(f"unknown queue {name!r}; known: {', '.join(ALL_QUEUES)}")
    limits = LIMITS[name]
    return Queue(name, connection=client or connection(), default_timeout=limits.timeout_seconds)


def parse_queue_names(raw: str) -> list[str]:
    """``"sync,reports"`` -> ``["sync", "reports"]``, rejecting unknown names with a clear message."""
    names = [part.strip() for part in raw.split(",") if part.strip()]
    if not names:
        raise ValueError("no queue names given")
    unknown = [n for n in names if n not in ALL_QUEUES]
    if unknown:
        raise ValueError(f"unknown queue(s) {', '.join(unknown)}; known: {', '.join(ALL_QUEUES)}")
    return names


def enqueue_limited(
    queue_name: str,
    func: str,
    *args: object,
    job_id: str | None = None,
    meta: dict | None = None,
    **kwargs: object,
):
    """Enqueue ``func`` (a dotted path, so the caller never imports the task's dependencies)."""
    limits = LIMITS[queue_name]
    return get_queue(queue_name).enqueue(
        func,
        args=args,
        kwargs=kwargs,
        job_id=job_id,
        job_timeout=limits.timeout_seconds,
        result_ttl=limits.result_ttl_seconds,
        failure_ttl=limits.failure_ttl_seconds,
        retry=limits.retry(),
        meta=meta or {},
    )
