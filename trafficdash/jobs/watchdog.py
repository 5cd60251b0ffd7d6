"""Runs whose worker died (SIGKILL, OOM, host restart) are marked abandoned, and their leftovers cleared.

A running sync renews its account lock and ``heartbeat_at`` every few seconds. When the
heartbeat is older than ``stale_after`` the run is abandoned (its checkpoint stays, so the next
run resumes), the account lock is deleted if it still names that run, and the account's job
pointer is dropped so "Sync now" starts a fresh job. Queued runs whose job vanished (Redis lost
its data) are abandoned too. The scheduler loop runs ``sweep`` every pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq.job import JobStatus
from sqlalchemy import select

from trafficdash import db
from trafficdash.jobs import enqueue
from trafficdash.jobs.queues import connection
from trafficdash.models import SyncRun, SyncStatus
from trafficdash.sync.runs import mark_abandoned

log = logging.getLogger(__name__)

# A queued run's job is written right after the run; give a slow enqueue room before judging.
QUEUED_GRACE = timedelta(minutes=2)
_DEAD_JOB = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED}

ABANDONED_RUNNING = enqueue.ABANDONED_RUNNING
ABANDONED_QUEUED = "The queued sync was lost before a worker took it (Redis restarted?). Sync again."


@dataclass
class SweepReport:
    abandoned_runs: list[int] = field(default_factory=list)
    locks_cleared: list[int] = field(default_factory=list)
    pointers_cleared: list[int] = field(default_factory=list)


def sweep(
    *,
    stale_after: timedelta | None = None,  # enqueue.dead_after() unless told
    queued_grace: timedelta = QUEUED_GRACE,
    now: datetime | None = None,
    client: Redis | None = None,
) -> SweepReport:
    client = client or connection()
    now = now or datetime.now(UTC)
    stale_after = enqueue.dead_after() if stale_after is None else stale_after
    report = SweepReport()
    with db.session_scope() as session:
        active = session.scalars(
            select(SyncRun).where(SyncRun.status.in_([SyncStatus.QUEUED.value, SyncStatus.RUNNING.value]))
        ).all()
        for run in active:
            if run.status == SyncStatus.RUNNING.value:
                if enqueue.heartbeat_stale(run, now, stale_after):
                    report.abandoned_runs.append(run.id)
                    if enqueue.abandon_dead_run(session, run, client):
                        report.locks_cleared.append(run.ad_account_id)
            else:
                created = db.as_utc(run.created_at)
                if created is None or now - created <= queued_grace:
                    continue
                job = enqueue.fetch_job(run.job_id, client) if run.job_id else None
                if job is None or job.get_status(refresh=True) in _DEAD_JOB:
                    mark_abandoned(session, run.id, ABANDONED_QUEUED)
                    report.abandoned_runs.append(run.id)
    for key in client.scan_iter(match=f"{enqueue.POINTER_PREFIX}*"):
        name = key.decode() if isinstance(key, bytes) else key
        account_id = int(name.rsplit(":", 1)[-1])
        if enqueue.live_job(account_id, client) is None:
            report.pointers_cleared.append(account_id)
    if report.abandoned_runs:
        log.warning(
            "watchdog: abandoned runs %s, cleared locks of accounts %s",
            report.abandoned_runs,
            report.locks_cleared,
        )
    return report
