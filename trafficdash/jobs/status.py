"""What the API and the pages show about syncs: start them, follow a run, list history and schedules.

Every function is scoped by ``trafficdash.auth.access``: another user's account or run is
"not found" (404), never a hint that it exists.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.auth.access import AccountNotFound, require_visible, visible_account_ids
from trafficdash.db import as_utc
from trafficdash.jobs import enqueue, schedules
from trafficdash.models import AdAccount, SyncRun, SyncStatus
from trafficdash.sync.runs import latest_runs

FINISHED = {SyncStatus.SUCCEEDED.value, SyncStatus.FAILED.value, SyncStatus.ABANDONED.value}

# What a marketer should do about each failure, in their words.
_ADVICE = {
    "token_expired": "Facebook access expired — reconnect",
    "no_token": "Facebook access expired — reconnect",
    "permission": "Your Facebook login may not read this ad account — ask its admin for access, then reconnect",
    "throttled": "Meta is rate-limiting this account — the sync will retry shortly",
    "already_running": "This account was already syncing",
    "abandoned": "The sync was interrupted — the next sync resumes where it stopped",
}


class RunNotFound(LookupError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"Sync {ref} not found")


class RunStatus(BaseModel):
    run_id: int
    job_id: str | None
    account_id: int
    account_name: str
    trigger: str
    status: str
    phase: str
    percent: int
    rows: int
    error: str | None
    error_code: str | None
    advice: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None
    finished: bool


def to_status(run: SyncRun, account_name: str = "") -> RunStatus:
    started, finished = as_utc(run.started_at), as_utc(run.finished_at)
    duration = None
    if started is not None:
        duration = ((finished or datetime.now(UTC)) - started).total_seconds()
    advice = _ADVICE.get(run.error_code or "") if run.status != SyncStatus.SUCCEEDED.value else None
    if advice is None and run.status in (SyncStatus.FAILED.value, SyncStatus.ABANDONED.value):
        advice = run.error or "The sync failed"
    return RunStatus(
        run_id=run.id,
        job_id=run.job_id,
        account_id=run.ad_account_id,
        account_name=account_name,
        trigger=run.trigger,
        status=run.status,
        phase=run.phase,
        percent=100 if run.status == SyncStatus.SUCCEEDED.value else run.percent,
        rows=run.rows_written or 0,
        error=run.error,
        error_code=run.error_code,
        advice=advice,
        created_at=as_utc(run.created_at) or datetime.now(UTC),
        started_at=started,
        finished_at=finished,
        duration_seconds=duration,
        finished=run.status in FINISHED,
    )


def _names(session: Session, account_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(AdAccount.id, AdAccount.name).where(AdAccount.id.in_(account_ids)))
    return {account_id: name for account_id, name in rows}


def start_sync(
    session: Session,
    user_id: int,
    account_ids: list[int | str],
    *,
    trigger: str = "manual",
    full_refresh: bool = False,
) -> list[RunStatus]:
    """Queue a sync of each account (the live one if it is already queued or running)."""
    wanted = (
        require_visible(session, user_id, account_ids)
        if account_ids
        else visible_account_ids(session, user_id)
    )
    if not wanted:
        return []
    jobs = enqueue.enqueue_sync(wanted, trigger=trigger, user_id=user_id, full_refresh=full_refresh)
    session.expire_all()  # the runs were written by enqueue's own unit of work
    names = _names(session, wanted)
    out = []
    for job in jobs:
        run = session.get(SyncRun, job.meta["run_id"])
        if run is not None:
            out.append(to_status(run, names.get(run.ad_account_id, "")))
    return out


def run_status(session: Session, user_id: int, ref: int | str) -> RunStatus:
    """A run by its id, or by its job id; RunNotFound unless the user may see its account."""
    text = str(ref).strip()
    if text.isdigit() and len(text) < 19:
        run = session.get(SyncRun, int(text))
    else:
        run = session.scalars(select(SyncRun).where(SyncRun.job_id == text[:64]).limit(1)).first()
    if run is None:
        raise RunNotFound(text)
    try:
        require_visible(session, user_id, [run.ad_account_id])
    except AccountNotFound as exc:
        raise RunNotFound(text) from exc
    session.refresh(run)
    return to_status(run, _names(session, [run.ad_account_id]).get(run.ad_account_id, ""))


def history(
    session: Session, user_id: int, account_ids: list[int | str] | None = None, limit: int = 50
) -> list[RunStatus]:
    wanted = (
        require_visible(session, user_id, account_ids)
        if account_ids
        else visible_account_ids(session, user_id)
    )
    names = _names(session, wanted)
    return [
        to_status(run, names.get(run.ad_account_id, "")) for run in latest_runs(session, wanted, limit=limit)
    ]


class ScheduleOut(BaseModel):
    account_id: int
    account_name: str
    timezone_name: str
    interval_minutes: int
    nightly_enabled: bool
    nightly_hour: int
    next_sync_at: datetime | None
    next_nightly_at: datetime | None


def schedule_list(session: Session, user_id: int) -> list[ScheduleOut]:
    ids = visible_account_ids(session, user_id)
    return [ScheduleOut(**view.__dict__) for view in schedules.views(session, ids)]


def update_schedule(
    session: Session,
    user_id: int,
    account_id: int | str,
    *,
    interval_minutes: int,
    nightly_enabled: bool,
    nightly_hour: int,
) -> ScheduleOut:
    """Store and mirror an account's schedule. The caller checks the user may change it."""
    (parsed,) = require_visible(session, user_id, [account_id])
    schedules.save(
        session,
        parsed,
        interval_minutes=interval_minutes,
        nightly_enabled=nightly_enabled,
        nightly_hour=nightly_hour,
        user_id=user_id,
    )
    session.commit()  # the mirror reads the stored row
    schedules.register_accounts([parsed])
    (view,) = schedules.views(session, [parsed])
    return ScheduleOut(**view.__dict__)
