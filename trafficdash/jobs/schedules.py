"""Periodic syncs: the database says what each account wants; rq-scheduler holds a mirror.

Every account someone can read gets two rq-scheduler jobs under stable ids:

- ``trafficdash-schedule-sync-<account>``: every ``interval_minutes`` (default 3 hours);
- ``trafficdash-schedule-nightly-<account>``: daily at ``nightly_hour`` (default 03:00) in the
  account's time zone, a full re-read of the lookback window (``full_refresh``).

Both fire a light "tick" (``scheduled_sync_task``) that goes through the one-sync-per-account gate,
so a schedule never starts a second sync of a busy account. ``register_all`` is idempotent: a job
whose spec is unchanged keeps its next run time, a changed one is replaced, one no longer wanted is
cancelled — so calling it at every scheduler/web start (and periodically) never duplicates, and a
Redis that lost its data gets every schedule back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq_scheduler import Scheduler
from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash import db
from trafficdash.jobs.queues import LIMITS, QueueName, connection
from trafficdash.models import AccountSchedule, AdAccount, AdAccountAccess
from trafficdash.models.schedules import (
    DEFAULT_INTERVAL_MINUTES,
    DEFAULT_NIGHTLY_HOUR,
    INTERVAL_CHOICES_MINUTES,
)
from trafficdash.timezones import zone_or_utc

log = logging.getLogger(__name__)

JOB_ID_PREFIX = "trafficdash-schedule-"
TICK_TASK = "trafficdash.jobs.tasks.scheduled_sync_task"
DAY_SECONDS = 24 * 3600
# A nightly run that drifted this far from its local hour (DST change) is re-aligned.
NIGHTLY_TOLERANCE = timedelta(minutes=20)


class InvalidSchedule(ValueError):
    """A schedule value the UI/API must refuse with a clear message."""


@dataclass(frozen=True)
class ScheduleView:
    account_id: int
    account_name: str
    timezone_name: str
    interval_minutes: int
    nightly_enabled: bool
    nightly_hour: int
    next_sync_at: datetime | None = None
    next_nightly_at: datetime | None = None


def sync_job_id(account_id: int) -> str:
    return f"{JOB_ID_PREFIX}sync-{account_id}"


def nightly_job_id(account_id: int) -> str:
    return f"{JOB_ID_PREFIX}nightly-{account_id}"


def make_scheduler(client: Redis | None = None, interval: float = 60) -> Scheduler:
    return Scheduler(queue_name=QueueName.DEFAULT.value, connection=client or connection(), interval=interval)


def next_local_hour(timezone_name: str, hour: int, now: datetime | None = None) -> datetime:
    """The next ``hour``:00 in the zone, as an aware UTC datetime."""
    zone = zone_or_utc(timezone_name)
    local_now = (now or datetime.now(UTC)).astimezone(zone)
    candidate = local_now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if candidate <= local_now:
        candidate = (candidate + timedelta(days=1)).replace(hour=hour)
    return candidate.astimezone(UTC)


# ---- the database side --------------------------------------------------------------------------------------


def validate(interval_minutes: int, nightly_hour: int) -> None:
    if interval_minutes not in INTERVAL_CHOICES_MINUTES:
        choices = ", ".join(str(c) for c in INTERVAL_CHOICES_MINUTES)
        raise InvalidSchedule(f"interval_minutes must be one of {choices} (0 = off)")
    if not 0 <= nightly_hour <= 23:
        raise InvalidSchedule("nightly_hour must be between 0 and 23")


def schedulable_accounts(session: Session, account_ids: list[int] | None = None) -> list[AdAccount]:
    """Accounts someone can read (an account nobody has access to is never synced)."""
    stmt = (
        select(AdAccount)
        .where(AdAccount.id.in_(select(AdAccountAccess.ad_account_id)))
        .order_by(AdAccount.name, AdAccount.id)
    )
    if account_ids is not None:
        stmt = stmt.where(AdAccount.id.in_(account_ids))
    return list(session.scalars(stmt))


def views(session: Session, account_ids: list[int], client: Redis | None = None) -> list[ScheduleView]:
    """Each account's schedule (its row, or the defaults) with the next run times from Redis."""
    accounts = schedulable_accounts(session, account_ids)
    rows = {
        r.ad_account_id: r
        for r in session.scalars(
            select(AccountSchedule).where(AccountSchedule.ad_account_id.in_(account_ids))
        )
    }
    client = client or connection()
    out = []
    for account in accounts:
        row = rows.get(account.id)
        out.append(
            ScheduleView(
                account_id=account.id,
                account_name=account.name,
                timezone_name=account.timezone_name,
                interval_minutes=row.interval_minutes if row else DEFAULT_INTERVAL_MINUTES,
                nightly_enabled=row.nightly_enabled if row else True,
                nightly_hour=row.nightly_hour if row else DEFAULT_NIGHTLY_HOUR,
                next_sync_at=_next_run(client, sync_job_id(account.id)),
                next_nightly_at=_next_run(client, nightly_job_id(account.id)),
            )
        )
    return out


def save(
    session: Session,
    account_id: int,
    *,
    interval_minutes: int,
    nightly_enabled: bool,
    nightly_hour: int = DEFAULT_NIGHTLY_HOUR,
    user_id: int | None = None,
) -> AccountSchedule:
    """Store an account's schedule (flushed; the caller commits, then calls ``register_accounts``)."""
    validate(interval_minutes, nightly_hour)
    row = session.get(AccountSchedule, account_id)
    if row is None:
        row = AccountSchedule(ad_account_id=account_id)
        session.add(row)
    row.interval_minutes = interval_minutes
    row.nightly_enabled = nightly_enabled
    row.nightly_hour = nightly_hour
    row.updated_by_user_id = user_id
    session.flush()
    return row


# ---- the Redis mirror ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    job_id: str
    account_id: int
    full_refresh: bool
    interval_seconds: int
    signature: str
    first_run: datetime
    # The nightly run must stay at its local hour: (zone, hour) to check drift against.
    local_hour: tuple[str, int] | None = None


def _specs(accounts: list[AdAccount], rows: dict[int, AccountSchedule], now: datetime) -> list[_Spec]:
    specs = []
    for account in accounts:
        row = rows.get(account.id)
        minutes = row.interval_minutes if row else DEFAULT_INTERVAL_MINUTES
        nightly = row.nightly_enabled if row else True
        hour = row.nightly_hour if row else DEFAULT_NIGHTLY_HOUR
        if minutes > 0:
            specs.append(
                _Spec(
                    sync_job_id(account.id),
                    account.id,
                    False,
                    minutes * 60,
                    f"every:{minutes}m",
                    now + timedelta(minutes=minutes),
                )
            )
        if nightly:
            tz = account.timezone_name or "UTC"
            specs.append(
                _Spec(
                    nightly_job_id(account.id),
                    account.id,
                    True,
                    DAY_SECONDS,
                    f"nightly:{tz}:{hour}",
                    next_local_hour(tz, hour, now),
                    local_hour=(tz, hour),
                )
            )
    return specs


def _next_run(client: Redis, job_id: str) -> datetime | None:
    score = client.zscore(Scheduler.scheduled_jobs_key, job_id)
    return datetime.fromtimestamp(score, UTC) if score is not None else None


def _is_current(scheduler: Scheduler, spec: _Spec) -> bool:
    try:
        job = Job.fetch(spec.job_id, connection=scheduler.connection)
    except NoSuchJobError:
        return False
    next_at = _next_run(scheduler.connection, spec.job_id)
    if next_at is None or job.meta.get("td_signature") != spec.signature:
        return False
    if spec.local_hour is not None:
        zone_name, hour = spec.local_hour
        local = next_at.astimezone(zone_or_utc(zone_name))
        aligned = local.replace(hour=hour, minute=0, second=0, microsecond=0)
        if abs(local - aligned) > NIGHTLY_TOLERANCE:
            return False
    return True


def _apply(scheduler: Scheduler, spec: _Spec) -> None:
    scheduler.cancel(spec.job_id)
    scheduler.schedule(
        scheduled_time=spec.first_run.astimezone(UTC).replace(tzinfo=None),  # rq-scheduler wants naive UTC
        func=TICK_TASK,
        args=[spec.account_id],
        kwargs={"full_refresh": spec.full_refresh},
        interval=spec.interval_seconds,
        id=spec.job_id,
        queue_name=QueueName.DEFAULT.value,
        timeout=LIMITS[QueueName.DEFAULT].timeout_seconds,
        description=f"{'nightly full ' if spec.full_refresh else ''}sync of account {spec.account_id}",
        meta={"td_signature": spec.signature, "account_id": spec.account_id},
    )


@dataclass
class RegistrationReport:
    kept: int = 0
    registered: int = 0
    cancelled: int = 0


def register_all(scheduler: Scheduler | None = None, now: datetime | None = None) -> RegistrationReport:
    """Mirror every account's schedule into rq-scheduler (idempotent; see the module doc)."""
    report = _register(scheduler, None, now)
    # The alert evaluation and the daily anomaly check (stable "trafficdash-alerts-" ids, not counted here).
    from trafficdash.alerts.tasks import register_schedules as register_alert_schedules

    register_alert_schedules(scheduler or make_scheduler(), now)
    # The "scheduled reports due?" tick (stable id), so a Redis wipe never loses report schedules.
    from trafficdash.reports.schedules import register_tick

    register_tick(scheduler or make_scheduler())
    # The daily "your Facebook login expires within a week" e-mails (stable id).
    from trafficdash.auth.expiry_reminders import register_schedule as register_expiry_reminders

    register_expiry_reminders(scheduler or make_scheduler(), now)
    return report


def register_accounts(
    account_ids: list[int], scheduler: Scheduler | None = None, now: datetime | None = None
) -> RegistrationReport:
    """Mirror these accounts only (after a schedule edit)."""
    return _register(scheduler, account_ids, now)


def _register(
    scheduler: Scheduler | None, account_ids: list[int] | None, now: datetime | None
) -> RegistrationReport:
    scheduler = scheduler or make_scheduler()
    now = now or datetime.now(UTC)
    with db.session_scope() as session:
        accounts = schedulable_accounts(session, account_ids)
        stmt = select(AccountSchedule)
        if account_ids is not None:
            stmt = stmt.where(AccountSchedule.ad_account_id.in_(account_ids))
        rows = {r.ad_account_id: r for r in session.scalars(stmt)}
        specs = _specs(accounts, rows, now)
    report = RegistrationReport()
    wanted = {spec.job_id for spec in specs}
    for spec in specs:
        if _is_current(scheduler, spec):
            report.kept += 1
        else:
            _apply(scheduler, spec)
            report.registered += 1
    for job_id in _registered_ids(scheduler.connection):
        if job_id in wanted:
            continue
        if account_ids is not None and _account_of(job_id) not in account_ids:
            continue
        scheduler.cancel(job_id)
        scheduler.connection.delete(Job.key_for(job_id))
        report.cancelled += 1
    if report.registered or report.cancelled:
        log.info(
            "schedules: %s kept, %s (re)registered, %s cancelled",
            report.kept,
            report.registered,
            report.cancelled,
        )
    return report


def _registered_ids(client: Redis) -> list[str]:
    ids = (
        m.decode() if isinstance(m, bytes) else m for m in client.zrange(Scheduler.scheduled_jobs_key, 0, -1)
    )
    return [i for i in ids if i.startswith(JOB_ID_PREFIX)]


def _account_of(job_id: str) -> int | None:
    tail = job_id.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None
