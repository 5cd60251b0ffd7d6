"""The embedded default: the same RQ worker and rq-scheduler code, as threads of ``trafficdash serve``.

Without ``TRAFFICDASH_REDIS_URL`` the process talks to the in-process Redis stand-in
(``redis_conn``); a worker thread runs the queued jobs and a scheduler thread runs the schedules,
retries and the watchdog — so the demo syncs exactly as production does. With a real Redis, the
web process only re-registers the schedules at start (the worker and scheduler are processes).
"""

from __future__ import annotations

import logging
import threading

from trafficdash.jobs import schedules
from trafficdash.jobs.queues import ALL_QUEUES
from trafficdash.jobs.runner import run_scheduler, run_thread_worker
from trafficdash.settings import Settings, get_settings

log = logging.getLogger(__name__)

EMBEDDED_SCHEDULER_INTERVAL = 5.0


class EmbeddedJobs:
    def __init__(self, scheduler_interval: float = EMBEDDED_SCHEDULER_INTERVAL) -> None:
        self.scheduler_interval = scheduler_interval
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self.threads)

    def start(self) -> None:
        if self.running:
            return
        self.stop_event.clear()
        self.threads = [
            threading.Thread(
                target=run_thread_worker,
                args=(list(ALL_QUEUES), self.stop_event),
                name="td-worker",
                daemon=True,
            ),
            threading.Thread(
                target=run_scheduler,
                kwargs={"interval": self.scheduler_interval, "stop": self.stop_event, "handle_retries": True},
                name="td-scheduler",
                daemon=True,
            ),
        ]
        for thread in self.threads:
            thread.start()
        log.info("embedded worker and scheduler threads started")

    def stop(self, timeout: float = 10) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=timeout)
        self.threads = []


_embedded: EmbeddedJobs | None = None


def start_jobs(settings: Settings | None = None) -> EmbeddedJobs | None:
    """Web start: threads in the embedded default; with a real Redis, re-register the schedules."""
    global _embedded
    settings = settings or get_settings()
    if settings.redis_url:
        try:
            schedules.register_all()
        except Exception:  # the web app must start even if Redis is briefly away; the scheduler re-registers
            log.exception("could not register the sync schedules at start")
        return None
    if _embedded is None:
        _embedded = EmbeddedJobs()
    _embedded.start()
    return _embedded


def worker_threads_alive() -> int:
    """Live embedded worker threads (readiness: the thread registers with RQ only while it works)."""
    if _embedded is None:
        return 0
    return sum(1 for t in _embedded.threads if t.name == "td-worker" and t.is_alive())


def stop_jobs() -> None:
    global _embedded
    if _embedded is not None:
        _embedded.stop()
        _embedded = None
