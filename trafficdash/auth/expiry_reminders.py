"""E-mail a user once when their Meta login expires within a week (the banner says it too).

A daily rq-scheduler job (stable id) runs ``send_expiry_reminders``. One reminder per token:
a Redis key names the user and the token's expiry, so a reconnect (new expiry) earns a new
reminder and a rerun the same week sends nothing. Without SMTP the job does nothing.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq_scheduler import Scheduler
from sqlalchemy import select

from trafficdash import db
from trafficdash.auth.connections import EXPIRY_WARNING
from trafficdash.jobs.queues import LIMITS, QueueName
from trafficdash.models import ConnectionStatus, User
from trafficdash.notify.email import EmailDeliveryError, email_configured, send_email
from trafficdash.redis_conn import get_redis
from trafficdash.settings import get_settings

log = logging.getLogger(__name__)

JOB_ID = "trafficdash-auth-token-expiry-reminders"
TASK = "trafficdash.auth.expiry_reminders.send_expiry_reminders_task"
RUN_HOUR_UTC = 8
DAY_SECONDS = 24 * 3600
SENT_KEY = "trafficdash:token-expiry-reminded:{user_id}:{expires}"
# Long enough to outlive the warning window, so the same token is never reminded twice.
SENT_KEY_TTL = EXPIRY_WARNING + timedelta(days=2)
# Users created without a Facebook e-mail get an address that must never be mailed.
UNDELIVERABLE_SUFFIX = ".invalid"


@dataclass(frozen=True)
class Reminder:
    user_id: int
    email: str
    name: str
    expires_at: datetime


def due_reminders(now: datetime | None = None) -> list[Reminder]:
    """Connected users whose token expires between now and a week from now."""
    now = now or datetime.now(UTC)
    with db.session_scope() as session:
        users = session.scalars(
            select(User).where(
                User.connection_status == ConnectionStatus.CONNECTED.value,
                User.meta_token_expires_at.is_not(None),
                User.meta_token_expires_at > now,
                User.meta_token_expires_at <= now + EXPIRY_WARNING,
            )
        )
        out = []
        for user in users:
            expires = user.meta_token_expires_at
            assert expires is not None
            if expires.tzinfo is None:
                expires = expires.replace(tzinfo=UTC)  # SQLite gives naive UTC
            if user.email and not user.email.endswith(UNDELIVERABLE_SUFFIX):
                out.append(Reminder(user.id, user.email, user.name, expires))
        return out


def _message(reminder: Reminder, now: datetime) -> tuple[str, str, str]:
    days = max(0, (reminder.expires_at - now).days)
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    reconnect = get_settings().public_url.rstrip("/") + "/auth/login?next=/settings"
    greeting = f"Hi {reminder.name}," if reminder.name else "Hi,"
    subject = f"Your Facebook login in trafficdash expires {when}"
    text = (
        f"{greeting}\n\nyour Facebook login in trafficdash expires {when} "
        f"({reminder.expires_at:%Y-%m-%d %H:%M} UTC). After that, syncs pause until you reconnect.\n\n"
        f"Reconnect Facebook: {reconnect}\n"
    )
    page = (
        f"<p>{html.escape(greeting)}</p><p>your Facebook login in trafficdash expires "
        f"<strong>{when}</strong> ({reminder.expires_at:%Y-%m-%d %H:%M} UTC). After that, syncs pause "
        f'until you reconnect.</p><p><a href="{html.escape(reconnect)}" style="display:inline-block;'
        'padding:10px 18px;border-radius:8px;background:#1877f2;color:#fff;text-decoration:none">'
        "Reconnect Facebook</a></p>"
    )
    return subject, text, page


def send_expiry_reminders(now: datetime | None = None, client: Redis | None = None) -> int:
    """E-mail every due user not reminded yet for this token; returns how many were sent."""
    if not email_configured():
        return 0
    now = now or datetime.now(UTC)
    client = client or get_redis()
    sent = 0
    for reminder in due_reminders(now):
        key = SENT_KEY.format(user_id=reminder.user_id, expires=int(reminder.expires_at.timestamp()))
        # Claim first, so two runs at once never both send; a failed send gives the claim back.
        if not client.set(key, now.isoformat(), nx=True, ex=int(SENT_KEY_TTL.total_seconds())):
            continue
        subject, text, page = _message(reminder, now)
        try:
            send_email(reminder.email, subject, text, html=page)
        except EmailDeliveryError as exc:
            client.delete(key)
            log.warning("token expiry reminder for user %s not sent: %s", reminder.user_id, exc)
            continue
        sent += 1
    if sent:
        log.info("token expiry reminders sent: %d", sent)
    return sent


def send_expiry_reminders_task() -> int:
    return send_expiry_reminders()


def register_schedule(scheduler: Scheduler, now: datetime | None = None) -> bool:
    """The daily reminder job under its stable id (idempotent); True when (re)registered."""
    if scheduler.connection.zscore(Scheduler.scheduled_jobs_key, JOB_ID) is not None:
        return False
    now = now or datetime.now(UTC)
    first = now.replace(hour=RUN_HOUR_UTC, minute=0, second=0, microsecond=0)
    if first <= now:
        first += timedelta(days=1)
    scheduler.schedule(
        scheduled_time=first.astimezone(UTC).replace(tzinfo=None),  # rq-scheduler wants naive UTC
        func=TASK,
        interval=DAY_SECONDS,
        repeat=None,
        id=JOB_ID,
        queue_name=QueueName.DEFAULT.value,
        timeout=LIMITS[QueueName.DEFAULT].timeout_seconds,
        description="e-mail users whose Facebook login expires within a week",
    )
    return True
