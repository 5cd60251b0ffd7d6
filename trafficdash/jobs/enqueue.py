"""Enqueue syncs with at most one queued or running sync per ad account.

A Redis key per account points to its live job. Triggering again while that job is queued,
waiting for a retry, or running returns the same job; a short per-account Redis lock makes
check-then-enqueue atomic across web replicas. The run row is committed before the job is
queued, so the worker (and the page polling it) always finds it. A running run whose heartbeat
went quiet (its worker was killed) is abandoned on the spot, so "Sync now" starts a new one at
once instead of waiting for the scheduler's watchdog.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from redis import Redis, WatchError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy.orm import Session

from trafficdash import db
from trafficdash.jobs.queues import LIMITS, QueueName, connection, enqueue_limited
from trafficdash.models import SyncRun, SyncStatus
from trafficdash.sync import lock as sync_lock
from trafficdash.sync.runs import create_run, mark_abandoned

log = logging.getLogger(__name__)

SYNC_TASK = "trafficdash.jobs.tasks.sync_account_task"
POINTER_PREFIX = "trafficdash:sync:job:"
_ENQUEUE_LOCK_PREFIX = "trafficdash:sync:enqueue-lock:"
_ENQUEUE_LOCK_TTL_SECONDS = 30
_ENQUEUE_LOCK_WAIT_SECONDS = 15
_WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
_ACTIVE_RUN = {SyncStatus.QUEUED.value, SyncStatus.RUNNING.value}
ABANDONED_RUNNING = (
    "The worker stopped during the sync (killed or restarted). Data already written is kept; "
    "the next sync resumes from there."
)


def dead_after() -> timedelta:
    """Heartbeat silence after which a running sync's worker is gone: three missed beats (a live
    sync beats every few seconds, and one that only stalled stops itself once its lock is lost)."""
    return timedelta(seconds=3 * sync_lock.RENEW_EVERY_SECONDS)


def heartbeat_stale(run: SyncRun, now: datetime, stale_after: timedelta) -> bool:
    last = db.as_utc(run.heartbeat_at or run.started_at or run.created_at)
    return last is not None and now - last > stale_after


def abandon_dead_run(session: Session, run: SyncRun, client: Redis) -> bool:
    """Mark a running run whose worker is gone abandoned and free its account lock (if still its).

    Returns True when the lock was cleared."""
    mark_abandoned(session, run.id, ABANDONED_RUNNING)
    return delete_if_equals(client, sync_lock.lock_key(run.ad_account_id), str(run.id))


class SyncQueueBusy(RuntimeError):
    """The per-account enqueue lock stayed taken (another request is queueing the same account)."""


def pointer_key(account_id: int) -> str:
    return f"{POINTER_PREFIX}{account_id}"


def _pointer_ttl() -> int:
    # Long enough for every attempt and its backoff; the watchdog clears dead pointers sooner.
    limits = LIMITS[QueueName.SYNC]
    return limits.timeout_seconds * (limits.retries + 1) + sum(limits.backoff_seconds) + 600


def _decode(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else value


def fetch_job(job_id: str, client: Redis | None = None) -> Job | None:
    try:
        return Job.fetch(job_id, connection=client or connection())
    except NoSuchJobError:
        return None


def job_is_live(job: Job) -> bool:
    """Waiting in a queue (or for a retry), or running a run that has not finished.

    A job RQ still shows as started whose run already ended (a killed worker, found by the
    watchdog) is dead: it must not block the account.
    """
    status = job.get_status(refresh=True)
    if status in _WAITING:
        return True
    if status != JobStatus.STARTED:
        return False
    run_id = job.meta.get("run_id")
    if run_id is None:
        return True
    with db.session_scope() as session:
        run = session.get(SyncRun, run_id)
        if run is None or run.status not in _ACTIVE_RUN:
            return False
        if run.status == SyncStatus.RUNNING.value and heartbeat_stale(run, datetime.now(UTC), dead_after()):
            abandon_dead_run(session, run, job.connection)
            log.warning("sync run %s stopped beating (its worker is gone): abandoned", run.id)
            return False
        return True


def live_job(account_id: int, client: Redis | None = None) -> Job | None:
    """The account's queued or running sync job, if any (a dead pointer is cleared)."""
    client = client or connection()
    job_id = _decode(client.get(pointer_key(account_id)))
    if job_id is None:
        return None
    job = fetch_job(job_id, client)
    if job is not None and job_is_live(job):
        return job
    release_pointer(account_id, job_id, client)
    return None


def delete_if_equals(client: Redis, key: str, value: str) -> bool:
    """Compare-and-delete with WATCH/MULTI (no Lua: the in-process stand-in has none)."""
    with client.pipeline() as pipe:
        try:
            pipe.watch(key)
            if _decode(pipe.get(key)) != value:
                pipe.unwatch()
                return False
            pipe.multi()
            pipe.delete(key)
            pipe.execute()
            return True
        except WatchError:  # the key changed meanwhile, so it is no longer ours
            return False


def release_pointer(account_id: int, job_id: str | None, client: Redis | None = None) -> bool:
    """Delete the account's pointer if it still names ``job_id`` (never a newer job's)."""
    if job_id is None:
        return False
    return delete_if_equals(client or connection(), pointer_key(account_id), job_id)


@contextmanager
def _account_enqueue_lock(client: Redis, account_id: int) -> Iterator[None]:
    """Serialises check-then-enqueue for one account across threads, processes and replicas."""
    key = f"{_ENQUEUE_LOCK_PREFIX}{account_id}"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + _ENQUEUE_LOCK_WAIT_SECONDS
    while not client.set(key, token, nx=True, ex=_ENQUEUE_LOCK_TTL_SECONDS):
        if time.monotonic() > deadline:
            raise SyncQueueBusy(f"another request is queueing a sync of account {account_id}; try again")
        time.sleep(0.02)
    try:
        yield
    finally:
        delete_if_equals(client, key, token)


def enqueue_sync(
    account_ids: Iterable[int],
    *,
    trigger: str,
    user_id: int | None,
    full_refresh: bool = False,
) -> list[Job]:
    """One job per account: the live one if the account is already queued or syncing, else a new one.

    Each job carries ``meta = {"account_id", "run_id"}``. Callers check access first.
    """
    jobs: list[Job] = []
    for account_id in dict.fromkeys(int(a) for a in account_ids):
        jobs.append(_enqueue_one(account_id, trigger=trigger, user_id=user_id, full_refresh=full_refresh))
    return jobs


def _enqueue_one(account_id: int, *, trigger: str, user_id: int | None, full_refresh: bool) -> Job:
    client = connection()
    with _account_enqueue_lock(client, account_id):
        existing = live_job(account_id, client)
        if existing is not None:
            return existing
        job_id = f"sync-{account_id}-{uuid.uuid4().hex[:16]}"
        with db.session_scope() as session:
            run = create_run(
                session, account_id, trigger, user_id=user_id, full_refresh=full_refresh, job_id=job_id
            )
            run_id = run.id
        try:
            job = enqueue_limited(
                QueueName.SYNC,
                SYNC_TASK,
                account_id,
                run_id,
                str(trigger),
                full_refresh,
                job_id=job_id,
                meta={"account_id": account_id, "run_id": run_id, "trigger": str(trigger)},
            )
        except Exception as exc:
            _fail_unqueued_run(run_id, exc)
            raise
        client.set(pointer_key(account_id), job_id, ex=_pointer_ttl())
        log.info("queued sync of account %s (run %s, job %s, %s)", account_id, run_id, job_id, trigger)
        return job


def _fail_unqueued_run(run_id: int, exc: BaseException) -> None:
    with db.session_scope() as session:
        run = session.get(SyncRun, run_id)
        if run is not None:
            run.status = SyncStatus.FAILED.value
            run.phase = "failed"
            run.error = f"Could not queue the sync: {exc}"
            run.error_code = "queue_unavailable"
            run.finished_at = db.utcnow()
