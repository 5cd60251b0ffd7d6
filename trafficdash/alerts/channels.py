"""Where alerts go: in-app (the alert row itself), e-mail over SMTP, a generic JSON webhook and a
Slack-compatible webhook. Every attempt is recorded (``AlertDelivery``) so the page shows what
happened; failed attempts are retried a few times at once, then later by the periodic job, then given up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.db import utcnow
from trafficdash.models import AdAccount, Alert, AlertDelivery, AlertRule, User
from trafficdash.notify import email as notify_email
from trafficdash.notify import webhooks
from trafficdash.settings import get_settings

log = logging.getLogger(__name__)

# Quick attempts inside one job (a receiver restarting, a brief network error)...
IMMEDIATE_ATTEMPTS = 3
IMMEDIATE_BACKOFF_SECONDS = (0.2, 0.5)
# ...then the periodic job tries again after these waits, up to MAX_ATTEMPTS in all.
LATER_BACKOFF = (timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
MAX_ATTEMPTS = IMMEDIATE_ATTEMPTS + len(LATER_BACKOFF)

sleep: Callable[[float], None] = time.sleep  # tests may record instead of sleeping


class DeliveryError(Exception):
    """A failed attempt; ``final`` when trying again cannot help (the target is refused by policy)."""

    def __init__(self, message: str, status_code: int | None = None, *, final: bool = False) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.final = final


def alert_url(alert: Alert) -> str:
    return f"{get_settings().public_url.rstrip('/')}/alerts?alert={alert.id}"


def json_payload(alert: Alert, account: AdAccount | None) -> dict[str, Any]:
    """The generic webhook body (stable field names; values as strings, exact)."""
    return {
        "event": "alert.fired",
        "alert": {
            "id": alert.id,
            "kind": alert.kind,
            "rule_id": alert.rule_id,
            "title": alert.title,
            "message": alert.message,
            "metric": alert.metric,
            "severity": alert.severity,
            "subject": alert.subject_name,
            "subject_key": alert.subject_key,
            "values": alert.values,
            "fired_at": alert.fired_at.isoformat() if alert.fired_at else None,
            "url": alert_url(alert),
        },
        "account": {
            "id": alert.ad_account_id,
            "name": account.name if account else "",
            "currency": account.currency if account else None,
        },
    }


def slack_payload(alert: Alert, account: AdAccount | None) -> dict[str, Any]:
    """Slack's incoming-webhook format (``text`` plus a section block); Mattermost and Discord's
    Slack-compatible endpoints read the same body."""
    where = f" · {account.name}" if account else ""
    text = f":rotating_light: *{alert.title}*{where}\n{alert.message}"
    return {
        "text": f"{alert.title}{where}: {alert.message}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"<{alert_url(alert)}|Open in trafficdash>"}],
            },
        ],
    }


def _post(url: str, body: dict[str, Any]) -> int:
    """Through the outbound-URL policy; the attempt records a status code or a fixed reason, never
    what the receiver answered."""
    try:
        return webhooks.post_json(url, body)
    except webhooks.WebhookRefused as exc:
        raise DeliveryError(f"refused: {exc}", final=True) from None
    except webhooks.WebhookFailed as exc:
        raise DeliveryError(str(exc), exc.status_code) from None


def send_email(to: str, subject: str, body: str) -> None:
    """Through the app's one SMTP sender; its failures become this channel's DeliveryError."""
    try:
        notify_email.send_email(to, subject, body)
    except (notify_email.EmailNotConfigured, notify_email.EmailDeliveryError) as exc:
        raise DeliveryError(str(exc)) from exc


def _targets(session: Session, alert: Alert, rule: AlertRule | None) -> list[tuple[str, str]]:
    """(channel, target) pairs of the alert; anomalies (no rule) stay in-app."""
    if rule is None:
        return [("in_app", "")]
    out: list[tuple[str, str]] = []
    for channel in rule.channels or ["in_app"]:
        if channel == "in_app":
            out.append(("in_app", ""))
        elif channel == "email":
            owner = session.get(User, rule.user_id)
            to = rule.email_to or (owner.email if owner else None)
            if to:
                out.append(("email", to))
        elif channel == "webhook" and rule.webhook_url:
            out.append(("webhook", rule.webhook_url))
        elif channel == "slack" and rule.slack_webhook_url:
            out.append(("slack", rule.slack_webhook_url))
    return out


def _send(session: Session, alert: Alert, channel: str, target: str) -> int | None:
    account = session.get(AdAccount, alert.ad_account_id)
    if channel == "email":
        where = f" — {account.name}" if account else ""
        send_email(target, f"[trafficdash] {alert.title}{where}", f"{alert.message}\n\n{alert_url(alert)}\n")
        return None
    if channel == "webhook":
        return _post(target, json_payload(alert, account))
    if channel == "slack":
        return _post(target, slack_payload(alert, account))
    return None  # in-app: the alert row is the notification


def _attempt(session: Session, alert: Alert, channel: str, target: str, attempt: int) -> AlertDelivery:
    row = AlertDelivery(alert_id=alert.id, channel=channel, target=target, attempt=attempt)
    try:
        row.status_code = _send(session, alert, channel, target)
        row.status = "sent"
    except DeliveryError as exc:
        row.status, row.error, row.status_code = (
            "gave_up" if exc.final else "failed",
            str(exc),
            exc.status_code,
        )
        if exc.final:
            log.warning("delivery of alert %s on %s given up: %s", alert.id, channel, exc)
    except Exception as exc:  # a channel must never break evaluation; the attempt shows the error
        log.exception("delivery of alert %s on %s failed", alert.id, channel)
        row.status, row.error = "failed", f"{type(exc).__name__}: {exc}"
    session.add(row)
    session.flush()
    return row


def _deliver_one(
    session: Session, alert: Alert, channel: str, target: str, first_attempt: int, now: datetime
) -> None:
    attempt = first_attempt
    for n in range(IMMEDIATE_ATTEMPTS):
        row = _attempt(session, alert, channel, target, attempt)
        if row.status in ("sent", "gave_up"):
            return
        if attempt >= MAX_ATTEMPTS:
            row.status = "gave_up"
            return
        if n + 1 < IMMEDIATE_ATTEMPTS:
            sleep(IMMEDIATE_BACKOFF_SECONDS[min(n, len(IMMEDIATE_BACKOFF_SECONDS) - 1)])
            attempt += 1
    later = LATER_BACKOFF[min(max(0, attempt - IMMEDIATE_ATTEMPTS), len(LATER_BACKOFF) - 1)]
    row.next_attempt_at = now + later


def deliver(session: Session, alert: Alert, rule: AlertRule | None, now: datetime | None = None) -> None:
    """Deliver a newly fired alert on each of its channels."""
    now = now or utcnow()
    for channel, target in _targets(session, alert, rule):
        _deliver_one(session, alert, channel, target, 1, now)


def retry_due(session: Session, now: datetime | None = None) -> int:
    """Try again every failed delivery whose wait has passed (run by the periodic job); returns the count."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(AlertDelivery).where(
                AlertDelivery.status == "failed", AlertDelivery.next_attempt_at <= now
            )
        )
    )
    for row in due:
        row.next_attempt_at = None  # this attempt is being retried; the new rows carry the state
        alert = session.get(Alert, row.alert_id)
        if alert is not None:
            _deliver_one(session, alert, row.channel, row.target, row.attempt + 1, now)
    return len(due)


def deliveries_of(session: Session, alert_ids: list[int]) -> dict[int, list[AlertDelivery]]:
    out: dict[int, list[AlertDelivery]] = {a: [] for a in alert_ids}
    if not alert_ids:
        return out
    for row in session.scalars(
        select(AlertDelivery).where(AlertDelivery.alert_id.in_(alert_ids)).order_by(AlertDelivery.id)
    ):
        out[row.alert_id].append(row)
    return out
