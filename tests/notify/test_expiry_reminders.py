"""Token expiry reminders: e-mailed once per token to users whose Meta login expires within 7 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rq_scheduler import Scheduler

from tests.notify.test_email import Inbox
from tests.support import make_user
from trafficdash import db
from trafficdash.auth import expiry_reminders
from trafficdash.jobs.queues import make_scheduler
from trafficdash.jobs.schedules import register_all
from trafficdash.models import ConnectionStatus, User
from trafficdash.redis_conn import get_redis

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _connected(email: str, expires_in: timedelta | None, status=ConnectionStatus.CONNECTED) -> int:
    with db.session_scope() as s:
        user = make_user(s, email, email.split("@")[0].title())
        user.connection_status = status.value
        user.meta_token_encrypted = "x"
        user.meta_token_expires_at = NOW + expires_in if expires_in is not None else None
        return user.id


def test_reminds_due_users_once_per_token(smtp_inbox: Inbox) -> None:
    due = _connected("ana@example.com", timedelta(days=3))
    _connected("late@example.com", timedelta(days=9))  # outside the week (still next day)
    _connected("gone@example.com", timedelta(days=-1))  # already expired: the banner handles it
    _connected("never@example.com", None)  # Meta says it does not expire
    _connected("off@example.com", timedelta(days=2), ConnectionStatus.NEEDS_RECONNECT)
    _connected("facebook-1@users.trafficdash.invalid", timedelta(days=2))

    assert expiry_reminders.send_expiry_reminders(NOW) == 1
    [(rcpts, message)] = smtp_inbox.messages
    assert rcpts == ["ana@example.com"]
    assert "expires in 3 days" in message["Subject"]
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    body = html.get_payload(decode=True).decode()
    assert "Reconnect Facebook" in body and "/auth/login?next=/settings" in body

    # The next daily run (and a concurrent one) sends nothing for the same token...
    assert expiry_reminders.send_expiry_reminders(NOW + timedelta(days=1)) == 0
    assert len(smtp_inbox.messages) == 1
    # ...but a reconnect that is again close to expiry (a new token) earns a new reminder.
    with db.session_scope() as s:
        s.get(User, due).meta_token_expires_at = NOW + timedelta(days=6)
    assert expiry_reminders.send_expiry_reminders(NOW + timedelta(days=1)) == 1
    assert len(smtp_inbox.messages) == 2


def test_failed_send_is_retried_next_run(smtp_inbox: Inbox, monkeypatch) -> None:
    import os

    from trafficdash.settings import reset_settings_cache

    _connected("ana@example.com", timedelta(days=3))
    port = os.environ["TRAFFICDASH_SMTP_PORT"]
    monkeypatch.setenv("TRAFFICDASH_SMTP_PORT", "1")  # nothing listens: the send fails
    reset_settings_cache()
    assert expiry_reminders.send_expiry_reminders(NOW) == 0
    monkeypatch.setenv("TRAFFICDASH_SMTP_PORT", port)
    reset_settings_cache()
    assert expiry_reminders.send_expiry_reminders(NOW) == 1
    assert [r for r, _ in smtp_inbox.messages] == [["ana@example.com"]]


def test_without_smtp_nothing_is_claimed(monkeypatch) -> None:
    monkeypatch.delenv("TRAFFICDASH_SMTP_HOST", raising=False)
    _connected("ana@example.com", timedelta(days=3))
    assert expiry_reminders.send_expiry_reminders(NOW) == 0
    assert not list(get_redis().scan_iter("trafficdash:token-expiry-reminded:*"))


def test_registered_daily_under_a_stable_id() -> None:
    scheduler = make_scheduler(get_redis())
    register_all(scheduler, NOW)
    register_all(scheduler, NOW)
    ids = [
        m.decode() if isinstance(m, bytes) else m
        for m in get_redis().zrange(Scheduler.scheduled_jobs_key, 0, -1)
    ]
    assert ids.count(expiry_reminders.JOB_ID) == 1
    job = next(j for j in scheduler.get_jobs() if j.id == expiry_reminders.JOB_ID)
    assert job.func_name == expiry_reminders.TASK
    assert job.meta["interval"] == 24 * 3600
