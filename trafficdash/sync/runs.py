"""Sync-run rows: created when a sync is requested, updated as it progresses, read by the UI.

Every function takes the caller's session and only flushes; the caller's unit of work
commits (``session_scope``), so a job can create a run and enqueue itself atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trafficdash.db import utcnow
from trafficdash.models import AdAccount, SyncRun, SyncStatus

ACTIVE_STATUSES = (SyncStatus.QUEUED.value, SyncStatus.RUNNING.value)


def create_run(
    session: Session,
    account_id: int,
    trigger: str,
    *,
    user_id: int | None = None,
    full_refresh: bool = False,
    since: date | None = None,
    until: date | None = None,
    job_id: str | None = None,
) -> SyncRun:
    """A new run in status ``queued`` (flushed, so ``run.id`` is set)."""
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    run = SyncRun(
        ad_account_id=account_id,
        requested_by_user_id=user_id,
        trigger=str(trigger),
        full_refresh=full_refresh,
        status=SyncStatus.QUEUED.value,
        phase="queued",
        since=since,
        until=until,
        job_id=job_id,
        checkpoint={},
    )
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, run_id: int) -> SyncRun | None:
    return session.get(SyncRun, run_id)


def latest_runs(session: Session, account_ids: Iterable[int], limit: int = 20) -> list[SyncRun]:
    """The newest runs of these accounts, newest first (at most ``limit`` in all)."""
    ids = list(account_ids)
    if not ids:
        return []
    stmt = (
        select(SyncRun)
        .where(SyncRun.ad_account_id.in_(ids))
        .order_by(SyncRun.created_at.desc(), SyncRun.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def latest_run_per_account(session: Session, account_ids: Sequence[int]) -> dict[int, SyncRun]:
    """The newest run of each account (accounts never synced are absent)."""
    if not account_ids:
        return {}
    newest = (
        select(SyncRun.ad_account_id, func.max(SyncRun.id).label("run_id"))
        .where(SyncRun.ad_account_id.in_(list(account_ids)))
        .group_by(SyncRun.ad_account_id)
        .subquery()
    )
    stmt = select(SyncRun).join(newest, SyncRun.id == newest.c.run_id)
    return {run.ad_account_id: run for run in session.scalars(stmt)}


def active_run(session: Session, account_id: int) -> SyncRun | None:
    """The newest queued or running run of the account, if any."""
    stmt = (
        select(SyncRun)
        .where(SyncRun.ad_account_id == account_id, SyncRun.status.in_(ACTIVE_STATUSES))
        .order_by(SyncRun.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def first_sync_in_progress(session: Session, account_ids: Iterable[int]) -> SyncRun | None:
    """An active run of an account that never finished a sync: its numbers are still arriving."""
    for account_id in account_ids:
        account = session.get(AdAccount, account_id)
        if account is None or account.last_synced_at is not None:
            continue
        run = active_run(session, account_id)
        if run is not None:
            return run
    return None


def last_succeeded_run(session: Session, account_id: int) -> SyncRun | None:
    stmt = (
        select(SyncRun)
        .where(SyncRun.ad_account_id == account_id, SyncRun.status == SyncStatus.SUCCEEDED.value)
        .order_by(SyncRun.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def mark_abandoned(session: Session, run_id: int, reason: str) -> SyncRun | None:
    """A run whose worker died: status ``abandoned``; its checkpoint stays for the next run."""
    run = session.get(SyncRun, run_id)
    if run is None or run.status not in ACTIVE_STATUSES:
        return run
    run.status = SyncStatus.ABANDONED.value
    run.phase = "abandoned"
    run.error = reason
    run.error_code = run.error_code or "abandoned"
    run.finished_at = utcnow()
    session.flush()
    return run


def resumable_checkpoint(session: Session, account_id: int, before_run_id: int) -> dict:
    """The checkpoint of the newest unfinished (failed/abandoned/killed) run since the last success.

    A killed or stopped run leaves the slices it wrote; the next run skips them instead of
    fetching them again. Runs that never started (e.g. refused because another was running)
    are looked past; a successful run ends the search (its data is complete).
    """
    stmt = (
        select(SyncRun)
        .where(SyncRun.ad_account_id == account_id, SyncRun.id < before_run_id)
        .order_by(SyncRun.id.desc())
        .limit(20)
    )
    for previous in session.scalars(stmt):
        if previous.status == SyncStatus.SUCCEEDED.value:
            return {}
        if (previous.checkpoint or {}).get("done"):
            return dict(previous.checkpoint)
    return {}
