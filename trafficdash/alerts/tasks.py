"""RQ tasks of the alerts (named by dotted path) and their rq-scheduler schedules.

- after each sync: ``evaluate_account_task`` (queued by the post-sync hook);
- every ``EVALUATE_EVERY_MINUTES``: ``evaluate_all_task`` (rules, then failed deliveries due a retry);
- daily: ``anomalies_task`` (yesterday of every account, in its time zone).

Schedule ids are stable (``trafficdash-alerts-...``), so registering again never duplicates.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq_scheduler import Scheduler
from sqlalchemy import select

from trafficdash import db
from trafficdash.jobs.queues import LIMITS, QueueName, enqueue_limited, make_scheduler

log = logging.getLogger(__name__)

EVALUATE_ACCOUNT_TASK = "trafficdash.alerts.tasks.evaluate_account_task"
EVALUATE_ALL_TASK = "trafficdash.alerts.tasks.evaluate_all_task"
ANOMALIES_TASK = "trafficdash.alerts.tasks.anomalies_task"
EVALUATE_JOB_ID = "trafficdash-alerts-evaluate"
ANOMALIES_JOB_ID = "trafficdash-alerts-anomalies"
EVALUATE_EVERY_MINUTES = 15
ANOMALIES_EVERY_SECONDS = 24 * 3600
ANOMALIES_HOUR_UTC = 6


def evaluate_account_task(account_id: int) -> dict[str, Any]:
    """Evaluate every enabled rule of the account (queued after its sync)."""
    from trafficdash.alerts.evaluation import evaluate_account

    with db.session_scope() as session:
        outcomes = evaluate_account(session, account_id)
        return {
            "account_id": account_id,
            "rules": len(outcomes),
            "fired": sum(len(o.fired) for o in outcomes),
        }


def evaluate_all_task() -> dict[str, Any]:
    """The periodic pass: every enabled rule, then deliveries waiting for a retry."""
    from trafficdash.alerts import channels
    from trafficdash.alerts.evaluation import evaluate_all

    with db.session_scope() as session:
        outcomes = evaluate_all(session)
        retried = channels.retry_due(session)
        return {"rules": len(outcomes), "fired": sum(len(o.fired) for o in outcomes), "retried": retried}


def anomalies_task() -> dict[str, Any]:
    """The daily anomaly check of every account someone can see."""
    from trafficdash.alerts.anomalies import run_for_account
    from trafficdash.models import AdAccount, AdAccountAccess

    found = 0
    with db.session_scope() as session:
        ids = list(
            session.scalars(
                select(AdAccount.id)
                .where(AdAccount.id.in_(select(AdAccountAccess.ad_account_id)))
                .order_by(AdAccount.id)
            )
        )
    for account_id in ids:
        try:
            with db.session_scope() as session:
                found += len(run_for_account(session, account_id))
        except Exception:  # one account's failure must not hide the others' anomalies
            log.exception("anomaly check of account %s failed", account_id)
    return {"accounts": len(ids), "anomalies": found}


def enqueue_account_evaluation(account_id: int) -> Job:
    return enqueue_limited(
        QueueName.DEFAULT,
        EVALUATE_ACCOUNT_TASK,
        account_id,
        meta={"account_id": account_id, "kind": "alerts"},
    )


def _ensure(
    scheduler: Scheduler, job_id: str, func: str, interval: int, first: datetime, description: str
) -> bool:
    """Register ``job_id`` unless it is there with the same interval; True when (re)registered."""
    try:
        job = Job.fetch(job_id, connection=scheduler.connection)
        if (
            job.meta.get("td_interval") == interval
            and scheduler.connection.zscore(Scheduler.scheduled_jobs_key, job_id) is not None
        ):
            return False
    except NoSuchJobError:
        pass
    scheduler.cancel(job_id)
    scheduler.schedule(
        scheduled_time=first.astimezone(UTC).replace(tzinfo=None),  # rq-scheduler wants naive UTC
        func=func,
        interval=interval,
        repeat=None,
        id=job_id,
        queue_name=QueueName.DEFAULT.value,
        timeout=LIMITS[QueueName.DEFAULT].timeout_seconds,
        description=description,
        meta={"td_interval": interval},
    )
    return True


def register_schedules(scheduler: Scheduler | None = None, now: datetime | None = None) -> int:
    """The periodic evaluation and the daily anomaly job, under stable ids (idempotent)."""
    scheduler = scheduler or make_scheduler()
    now = now or datetime.now(UTC)
    next_morning = now.replace(hour=ANOMALIES_HOUR_UTC, minute=0, second=0, microsecond=0)
    if next_morning <= now:
        next_morning += timedelta(days=1)
    changed = _ensure(
        scheduler,
        EVALUATE_JOB_ID,
        EVALUATE_ALL_TASK,
        EVALUATE_EVERY_MINUTES * 60,
        now + timedelta(minutes=EVALUATE_EVERY_MINUTES),
        "evaluate alert rules",
    )
    changed += _ensure(
        scheduler,
        ANOMALIES_JOB_ID,
        ANOMALIES_TASK,
        ANOMALIES_EVERY_SECONDS,
        next_morning,
        "daily anomaly check",
    )
    return int(changed)
