"""Alert rules and alerts as the API and the pages use them, scoped to the user.

A rule belongs to its author and watches one account they can see; another user's rule (or an account
they cannot see) is "not found". Rule alerts belong to the rule's owner; anomaly alerts belong to the
account and are seen by everyone who can see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from trafficdash.alerts.rules import InvalidRule, RuleSpec, spec_from_template
from trafficdash.auth.access import require_admin, visible_account_ids
from trafficdash.db import utcnow
from trafficdash.models import Alert, AlertRule, Campaign
from trafficdash.notify import webhooks


class RuleNotFound(LookupError):
    def __init__(self, rule_id: int) -> None:
        super().__init__(f"Alert rule {rule_id} not found")


class AlertNotFound(LookupError):
    def __init__(self, alert_id: int) -> None:
        super().__init__(f"Alert {alert_id} not found")


# ---- rules --------------------------------------------------------------------------------------------------


def _check_scope(session: Session, user_id: int, spec: RuleSpec) -> None:
    require_admin(session, user_id, [spec.ad_account_id], what="alert rules of this account")
    if spec.campaign_id is not None:
        campaign = session.get(Campaign, spec.campaign_id)
        if campaign is None or campaign.ad_account_id != spec.ad_account_id:
            raise InvalidRule(f"Campaign {spec.campaign_id} is not in ad account {spec.ad_account_id}.")
    for field in ("webhook_url", "slack_webhook_url"):
        url = getattr(spec, field)
        if url is not None:
            try:
                webhooks.check_url(str(url))
            except webhooks.WebhookRefused as exc:
                raise InvalidRule(f"{field} refused: {exc}.") from None


def _apply(rule: AlertRule, spec: RuleSpec) -> None:
    data = spec.model_dump()
    for key in ("webhook_url", "slack_webhook_url"):
        data[key] = str(data[key]) if data[key] is not None else None
    for key, value in data.items():
        setattr(rule, key, value)


def list_rules(session: Session, user_id: int, account_ids: list[int] | None = None) -> list[AlertRule]:
    visible = visible_account_ids(session, user_id)
    stmt = select(AlertRule).where(AlertRule.user_id == user_id, AlertRule.ad_account_id.in_(visible))
    if account_ids:
        stmt = stmt.where(AlertRule.ad_account_id.in_(account_ids))
    return list(session.scalars(stmt.order_by(AlertRule.created_at, AlertRule.id)))


def get_rule(session: Session, user_id: int, rule_id: int) -> AlertRule:
    rule = session.get(AlertRule, rule_id)
    if (
        rule is None
        or rule.user_id != user_id
        or rule.ad_account_id not in visible_account_ids(session, user_id)
    ):
        raise RuleNotFound(rule_id)
    return rule


def create_rule(session: Session, user_id: int, spec: RuleSpec) -> AlertRule:
    _check_scope(session, user_id, spec)
    rule = AlertRule(user_id=user_id)
    _apply(rule, spec)
    session.add(rule)
    session.flush()
    session.refresh(rule)  # answer with what is stored (e.g. NUMERIC scale), as a later GET will
    return rule


def create_from_template(
    session: Session, user_id: int, key: str, ad_account_id: int, **overrides: Any
) -> AlertRule:
    return create_rule(session, user_id, spec_from_template(key, ad_account_id, **overrides))


def update_rule(session: Session, user_id: int, rule_id: int, spec: RuleSpec) -> AlertRule:
    rule = get_rule(session, user_id, rule_id)
    _check_scope(session, user_id, spec)
    _apply(rule, spec)
    rule.state = "new"
    session.flush()
    session.refresh(rule)
    return rule


def delete_rule(session: Session, user_id: int, rule_id: int) -> None:
    rule = get_rule(session, user_id, rule_id)
    require_admin(session, user_id, [rule.ad_account_id], what="alert rules of this account")
    session.delete(rule)
    session.flush()


def set_snooze(session: Session, user_id: int, rule_id: int, until: datetime | None) -> AlertRule:
    rule = get_rule(session, user_id, rule_id)
    if until is not None and until.tzinfo is None:
        raise InvalidRule("snooze 'until' needs a time zone (e.g. 2026-11-21T09:00:00Z)")
    rule.snoozed_until = until
    session.flush()
    return rule


def set_muted(session: Session, user_id: int, rule_id: int, muted: bool) -> AlertRule:
    rule = get_rule(session, user_id, rule_id)
    rule.muted = muted
    session.flush()
    return rule


# ---- alerts -------------------------------------------------------------------------------------------------


def _visible_alerts(session: Session, user_id: int) -> Any:
    visible = visible_account_ids(session, user_id)
    return select(Alert).where(
        Alert.ad_account_id.in_(visible), or_(Alert.user_id == user_id, Alert.user_id.is_(None))
    )


@dataclass(frozen=True)
class AlertQuery:
    account_ids: list[int] | None = None
    campaign_id: int | None = None
    rule_ids: list[int] | None = None
    kind: str | None = None
    open_only: bool = False
    unacknowledged_only: bool = False
    limit: int = 100
    offset: int = 0


def list_alerts(session: Session, user_id: int, query: AlertQuery = AlertQuery()) -> list[Alert]:
    stmt = _visible_alerts(session, user_id)
    if query.account_ids:
        stmt = stmt.where(Alert.ad_account_id.in_(query.account_ids))
    if query.rule_ids is not None:
        stmt = stmt.where(Alert.rule_id.in_(query.rule_ids))
    if query.campaign_id is not None:
        stmt = stmt.where(Alert.campaign_id == query.campaign_id)
    if query.kind:
        stmt = stmt.where(Alert.kind == query.kind)
    if query.open_only:
        stmt = stmt.where(Alert.resolved_at.is_(None))
    if query.unacknowledged_only:
        stmt = stmt.where(Alert.acknowledged_at.is_(None))
    stmt = stmt.order_by(Alert.fired_at.desc(), Alert.id.desc()).limit(query.limit).offset(query.offset)
    return list(session.scalars(stmt))


def get_alert(session: Session, user_id: int, alert_id: int) -> Alert:
    alert = session.scalar(_visible_alerts(session, user_id).where(Alert.id == alert_id))
    if alert is None:
        raise AlertNotFound(alert_id)
    return alert


def unread_count(session: Session, user_id: int) -> int:
    sub = _visible_alerts(session, user_id).where(Alert.read_at.is_(None)).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def mark_all_read(session: Session, user_id: int, now: datetime | None = None) -> int:
    rows = list(session.scalars(_visible_alerts(session, user_id).where(Alert.read_at.is_(None))))
    for alert in rows:
        alert.read_at = now or utcnow()
    session.flush()
    return len(rows)


def acknowledge(session: Session, user_id: int, alert_id: int, now: datetime | None = None) -> Alert:
    alert = get_alert(session, user_id, alert_id)
    now = now or utcnow()
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
        alert.acknowledged_by = user_id
    alert.read_at = alert.read_at or now
    session.flush()
    return alert


def _rule_of(session: Session, user_id: int, alert: Alert) -> AlertRule:
    if alert.rule_id is None:
        raise InvalidRule("Anomalies have no rule to snooze or mute; acknowledge them instead.")
    return get_rule(session, user_id, alert.rule_id)


def snooze_alert(session: Session, user_id: int, alert_id: int, until: datetime) -> Alert:
    """Acknowledge the alert and snooze its rule until ``until``."""
    alert = acknowledge(session, user_id, alert_id)
    set_snooze(session, user_id, _rule_of(session, user_id, alert).id, until)
    return alert


def mute_alert(session: Session, user_id: int, alert_id: int, muted: bool = True) -> Alert:
    """Acknowledge the alert and mute (or unmute) its rule."""
    alert = acknowledge(session, user_id, alert_id)
    set_muted(session, user_id, _rule_of(session, user_id, alert).id, muted)
    return alert


def open_alert_counts(session: Session, user_id: int, account_ids: list[int] | None = None) -> dict[str, int]:
    """Open, unacknowledged alerts per subject ("account:<id>", "campaign:<id>") for page badges.

    Ad set alerts also count for their campaign; anomalies count for their account.
    """
    counts: dict[str, int] = {}
    for alert in list_alerts(
        session,
        user_id,
        AlertQuery(account_ids=account_ids, open_only=True, unacknowledged_only=True, limit=1000),
    ):
        keys = {f"account:{alert.ad_account_id}"}
        if alert.campaign_id is not None:
            keys.add(f"campaign:{alert.campaign_id}")
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return counts
