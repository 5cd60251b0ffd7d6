"""What the workers run. Each task is a thin shell over a service, importable by dotted path.

RQ jobs name these functions by their dotted path (``trafficdash.jobs.tasks.<name>``), so
enqueuing never imports the sync engine, the SDK or pandas into the web process.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rq import get_current_job
from sqlalchemy import select

from trafficdash import db
from trafficdash.models import AdAccount, AdAccountAccess, ConnectionStatus, SyncRun, SyncStatus, User

log = logging.getLogger(__name__)

# Failures a retry cannot fix: the user must reconnect, lacks permission, or our request is wrong.
_PERMANENT_KINDS = frozenset({"token_expired", "permission", "invalid_request"})


def is_permanent(exc: BaseException) -> bool:
    """True when retrying the job would fail the same way (decided by the error's own flags)."""
    retryable = getattr(exc, "retryable", None)
    if retryable is not None:
        return not retryable
    kind = getattr(exc, "kind", None)
    return str(kind) in _PERMANENT_KINDS if kind is not None else False


def _reopen_for_retry(run_id: int) -> None:
    """An RQ retry re-runs the same run: a failed attempt goes back to ``queued``.

    Its checkpoint stays, so the retry resumes the slices already written.
    """
    with db.session_scope() as session:
        run = session.get(SyncRun, run_id)
        if run is None or run.status in (SyncStatus.QUEUED.value, SyncStatus.RUNNING.value):
            return
        if run.status == SyncStatus.SUCCEEDED.value:
            return
        run.status = SyncStatus.QUEUED.value
        run.phase = "queued"
        run.error = None
        run.error_code = None
        run.finished_at = None


class SyncRunFailed(RuntimeError):
    """The run ended failed; raised so RQ records the job as failed (and retries what can heal)."""

    def __init__(self, run_id: int, code: str | None, message: str | None) -> None:
        super().__init__(message or f"sync run {run_id} failed")
        self.run_id = run_id
        self.code = code or "internal"

    @property
    def retryable(self) -> bool:
        return self.code not in _PERMANENT_CODES


# Run error codes a retry cannot fix: the user must reconnect, lacks permission, the request is wrong,
# or another run of the account already covers it.
_PERMANENT_CODES = frozenset(
    {"token_expired", "permission", "invalid_request", "no_token", "invalid_range", "already_running"}
)


def sync_account_task(
    account_id: int,
    run_id: int,
    trigger: str,
    full_refresh: bool = False,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    """Sync one ad account into its run (the run's phase/steps/rows are the live progress)."""
    from trafficdash.jobs import enqueue
    from trafficdash.sync import service

    job = get_current_job()
    job_id = job.id if job is not None else None
    _reopen_for_retry(run_id)
    try:
        ran = service.sync_account(
            account_id, run_id=run_id, trigger=trigger, full_refresh=full_refresh, since=since, until=until
        )
        with db.session_scope() as session:
            run = session.get(SyncRun, run_id)
            status, code, error, rows = (
                (run.status, run.error_code, run.error, run.rows_written) if run else (None, None, None, 0)
            )
        if status == SyncStatus.FAILED.value and code != "already_running":
            raise SyncRunFailed(run_id, code, error)
    except Exception as exc:
        if job is not None and is_permanent(exc):
            job.retries_left = 0  # RQ reads this when it handles the failure: no pointless retries
        if job is None or not job.retries_left:
            enqueue.release_pointer(account_id, job_id)
        raise
    enqueue.release_pointer(account_id, job_id)
    return {"account_id": account_id, "run_id": run_id, "status": status, "rows": rows, "ran_run_id": ran}


def connected_account_ids() -> list[int]:
    """Accounts that at least one connected user can read (the others cannot be synced)."""
    with db.session_scope() as session:
        stmt = (
            select(AdAccount.id)
            .join(AdAccountAccess, AdAccountAccess.ad_account_id == AdAccount.id)
            .join(User, User.id == AdAccountAccess.user_id)
            .where(
                User.connection_status == ConnectionStatus.CONNECTED.value,
                User.meta_token_encrypted.is_not(None),
            )
            .distinct()
            .order_by(AdAccount.id)
        )
        return list(session.scalars(stmt))


def sync_all_accounts_task(trigger: str = "schedule", full_refresh: bool = False) -> list[str]:
    """Fan out: one sync job per connected account (an account already syncing keeps its job)."""
    from trafficdash.jobs import enqueue

    jobs = enqueue.enqueue_sync(
        connected_account_ids(), trigger=trigger, user_id=None, full_refresh=full_refresh
    )
    return [job.id for job in jobs]


def scheduled_sync_task(account_id: int, full_refresh: bool = False) -> str | None:
    """What rq-scheduler fires: enqueue the account's sync through the one-per-account gate."""
    from trafficdash.jobs import enqueue

    if account_id not in connected_account_ids():
        log.info("scheduled sync skipped: no connected user can read account %s", account_id)
        return None
    jobs = enqueue.enqueue_sync([account_id], trigger="schedule", user_id=None, full_refresh=full_refresh)
    return jobs[0].id if jobs else None


def refresh_rollups_task(account_id: int, since: date, until: date) -> None:
    """Rebuild the dashboard's rollups for a range (e.g. after a manual data fix), then drop cached answers."""
    from trafficdash.analytics.cache import bump_account_version
    from trafficdash.analytics.rollups import refresh_rollups

    with db.session_scope() as session:
        refresh_rollups(session, account_id, since, until)
    bump_account_version(account_id)


def build_report_task(report_id: int) -> Any:
    """Build a large report in a worker (the path of the file written)."""
    from trafficdash.reports import build_report

    return build_report(report_id)
