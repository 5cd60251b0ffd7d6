"""The worker and scheduler loops, shared by the CLI processes and the embedded threads.

``run_scheduler`` is rq-scheduler's loop plus what this app needs around it: schedules
re-registered at start and every ``RECONCILE_EVERY`` (so a Redis that lost its data, a DST
change or an edit made elsewhere is mirrored), the stale-run watchdog, and a heartbeat key
that readiness checks read.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime

from redis import Redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.timeouts import TimerDeathPenalty
from rq_scheduler import Scheduler
from sqlalchemy import select

from trafficdash import db, redis_conn
from trafficdash.jobs import schedules, watchdog
from trafficdash.jobs.queues import ALL_QUEUES, connection, get_queue
from trafficdash.models import SyncRun, SyncTrigger

log = logging.getLogger(__name__)

SCHEDULER_HEARTBEAT_KEY = "trafficdash:scheduler:heartbeat"
RECONCILE_EVERY_SECONDS = 600


class AppScheduler(Scheduler):
    """rq-scheduler without its signal handlers: the owner (CLI main thread or the web app) stops it."""

    def _install_signal_handlers(self) -> None:
        return None


class ThreadWorker(SimpleWorker):
    """A worker that runs inside a thread: no signal handlers, timeouts by timer instead of SIGALRM."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        return None


# prctl(2): deliver this signal to the calling process when its parent dies.
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Let the kernel kill this process when ``parent_pid`` (its parent) dies (Linux), and exit now
    if the parent already died between the fork and this call."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


class AppWorker(Worker):
    """RQ's forking worker whose work horse dies with it.

    RQ puts the horse in its own process group, so killing the worker (or its group) used to leave
    the horse syncing unsupervised; now the kernel kills it too, its heartbeat stops, and the run is
    found dead and abandoned (by "Sync now" or the watchdog)."""

    def fork_work_horse(self, job: Job, queue: Queue) -> None:
        self._horse_parent_pid = os.getpid()
        super().fork_work_horse(job, queue)

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        die_with_parent(self._horse_parent_pid)
        super().main_work_horse(job, queue)


def beat(client: Redis, interval: float) -> None:
    client.set(SCHEDULER_HEARTBEAT_KEY, datetime.now(UTC).isoformat(), ex=int(interval * 3) + 10)


def scheduler_alive(client: Redis | None = None) -> bool:
    return bool((client or connection()).exists(SCHEDULER_HEARTBEAT_KEY))


def move_due_retries(client: Redis, queue_names: tuple[str, ...] = ALL_QUEUES) -> None:
    """Put retries whose backoff has elapsed back in their queue (RQ's own scheduler does this with
    Lua locks, which the in-process stand-in lacks; this pass runs under rq-scheduler's lock)."""
    rq_scheduler = RQScheduler(list(queue_names), connection=client)
    rq_scheduler.prepare_registries(list(queue_names))
    rq_scheduler.enqueue_scheduled_jobs()


def enqueue_first_syncs() -> list[int]:
    """Accounts connected but never synced get their first sync (e.g. right after a login)."""
    from trafficdash.jobs.enqueue import enqueue_sync
    from trafficdash.jobs.tasks import connected_account_ids

    with db.session_scope() as session:
        synced = set(session.scalars(select(SyncRun.ad_account_id).distinct()))
    fresh = [a for a in connected_account_ids() if a not in synced]
    if fresh:
        enqueue_sync(fresh, trigger=SyncTrigger.FIRST_CONNECT.value, user_id=None)
        # A new connection shows its schedule at once, not after the next reconcile.
        schedules.register_accounts(fresh)
    return fresh


def scheduler_pass(scheduler: Scheduler, *, handle_retries: bool, reconcile: bool) -> bool:
    """One pass under the scheduler lock; False when another scheduler holds it."""
    if not scheduler.acquire_lock():
        return False
    try:
        if reconcile:
            schedules.register_all(scheduler)
        scheduler.enqueue_jobs()
        enqueue_first_syncs()
        if handle_retries:
            move_due_retries(scheduler.connection)
        watchdog.sweep(client=scheduler.connection)
    finally:
        scheduler.remove_lock()
    return True


def run_scheduler(
    *,
    interval: float = 30,
    stop: threading.Event | None = None,
    burst: bool = False,
    handle_retries: bool = False,
) -> None:
    stop = stop or threading.Event()
    client = connection()
    scheduler = AppScheduler(queue_name="default", connection=client, interval=interval)
    scheduler.register_birth()
    last_reconcile = 0.0
    try:
        while not stop.is_set():
            beat(client, interval)
            scheduler.heartbeat()
            reconcile = time.monotonic() - last_reconcile >= RECONCILE_EVERY_SECONDS
            try:
                if (
                    scheduler_pass(scheduler, handle_retries=handle_retries, reconcile=reconcile)
                    and reconcile
                ):
                    last_reconcile = time.monotonic()
            except Exception:  # one bad pass (database restarting...) must not end the scheduler
                log.exception("scheduler pass failed; retrying in %ss", interval)
            if burst:
                break
            stop.wait(interval)
    finally:
        scheduler.register_death()


def make_worker(queue_names: list[str], *, in_thread: bool = False) -> Worker:
    # A real Redis: a client of its own, since RQ lengthens its read timeout past the blocking
    # dequeue (BLPOP) and the process-wide client must keep its short one (locks, cache, a hung
    # Redis). The embedded thread worker (in-process stand-in, no sockets) shares the process's
    # client, as the web's enqueues do: a client per pass left first syncs queued unseen.
    client = connection() if in_thread else redis_conn.connect()
    queues = [get_queue(name, client) for name in queue_names]
    worker_class = ThreadWorker if in_thread else AppWorker
    return worker_class(queues, connection=client)


def run_worker(queue_names: list[str], *, burst: bool = False, logging_level: str = "INFO") -> bool:
    """A worker process (``trafficdash worker``). RQ's scheduler runs alongside it for retry backoffs."""
    worker = make_worker(queue_names)
    return worker.work(burst=burst, with_scheduler=True, logging_level=logging_level)


def run_thread_worker(queue_names: list[str], stop: threading.Event, poll_seconds: float = 0.5) -> None:
    """The embedded worker: short burst passes so that it notices ``stop`` quickly."""
    while not stop.is_set():
        try:
            worked = make_worker(queue_names, in_thread=True).work(burst=True, logging_level="WARNING")
        except Exception:
            log.exception("embedded worker pass failed")
            worked = False
        if not worked:
            stop.wait(poll_seconds)
