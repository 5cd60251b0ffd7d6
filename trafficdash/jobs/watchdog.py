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
from trafficdash.sync import lock as sync_lock
from trafficdash.sync.runs import mark_abandoned

log = logging.getLogger(__name__)

# Three missed lock TTLs: a live sync renews every 15 s, so this is never a slow one.
DEFAULT_STALE_AFTER = timedelta(seconds=3 * sync_lock.TTL_SECONDS)
# A queued run's job is written right after the run; give a slow enqueue room before judging.
QUEUED_GRACE = timedelta(minutes=2)
_DEAD_JOB = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED}

ABANDONED_RUNNING = (
    "The worker stopped during the sync (killed or restarted). Data already written is kept; "
    "the next sync resumes from there."
)
ABANDONED_QUEUED = "The queued sync was lost before a worker took it (Redis restarted?). Sync again."


@dataclass
class SweepReport:
    abandoned_runs: list[int] = field(default_factory=list)
    locks_cleared: list[int] = field(default_factory=list)
    pointers_cleared: list[int] = field(default_factory=list)


def sweep(
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    queued_grace: timedelta = QUEUED_GRACE,
    now: datetime | None = None,
    client: Redis | None = None,
) -> SweepReport:
    client = client or connection()
    now = now or datetime.now(UTC)
    report = SweepReport()
    with db.session_scope() as session:
        active = session.scalars(
            select(SyncRun).where(SyncRun.status.in_([SyncStatus.QUEUED.value, SyncStatus.RUNNING.value]))
        ).all()
        for run in active:
            if run.status == SyncStatus.RUNNING.value:
                last = db.as_utc(run.heartbeat_at or run.started_at or run.created_at)
                if last is not None and now - last > stale_after:
                    mark_abandoned(session, run.id, ABANDONED_RUNNING)
                    report.abandoned_runs.append(run.id)
                    if enqueue.delete_if_equals(client, sync_lock.lock_key(run.ad_account_id), str(run.id)):
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
