"""Evaluating rules: one alert per episode.

For each subject a rule watches, the condition either holds, clears, or cannot be judged (no value,
too little volume). An alert opens when the condition starts to hold and notifies once; while it keeps
holding the same alert is only refreshed (no new notifications); when it clears the alert is resolved,
which re-arms the rule for that subject. A muted rule, or one snoozed until later, still tracks its state
but opens nothing (so it fires once the snooze ends if the condition still holds).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.alerts import channels
from trafficdash.alerts.observe import Observation, metric_observations, pacing_observations
from trafficdash.db import as_utc, utcnow
from trafficdash.models import AdAccount, Alert, AlertRule

log = logging.getLogger(__name__)


@dataclass
class RuleOutcome:
    rule_id: int
    state: str
    fired: list[int] = field(default_factory=list)  # ids of alerts opened (and notified) now
    resolved: list[int] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)


def is_snoozed(rule: AlertRule, now: datetime) -> bool:
    until = as_utc(rule.snoozed_until)
    return until is not None and until > now


def open_alerts(session: Session, rule_id: int) -> dict[str, Alert]:
    rows = session.scalars(select(Alert).where(Alert.rule_id == rule_id, Alert.resolved_at.is_(None)))
    return {a.subject_key: a for a in rows}


def observe(session: Session, rule: AlertRule, now: datetime) -> list[Observation]:
    account = session.get(AdAccount, rule.ad_account_id)
    if account is None:
        return []
    if rule.kind == "pacing":
        return pacing_observations(session, rule, account, now)
    return metric_observations(session, rule, account, now)


def evaluate_rule(session: Session, rule: AlertRule, now: datetime | None = None) -> RuleOutcome:
    """Evaluate one rule now: open, refresh or resolve its alerts and notify new ones."""
    now = now or utcnow()
    observations = observe(session, rule, now)
    opened = open_alerts(session, rule.id)
    silenced = rule.muted or is_snoozed(rule, now)
    outcome = RuleOutcome(rule.id, "ok", observations=observations)
    seen = set()
    for obs in observations:
        seen.add(obs.subject_key)
        current = opened.get(obs.subject_key)
        if obs.holds:
            if current is not None:
                current.last_seen_at = now
                current.values = obs.values
                current.message = obs.message
            elif not silenced:
                alert = _open(session, rule, obs, now)
                channels.deliver(session, alert, rule, now)
                outcome.fired.append(alert.id)
        elif obs.holds is False and current is not None:
            current.resolved_at = now
            outcome.resolved.append(current.id)
    # Subjects no longer watched (a paused campaign, a removed budget) close their episodes.
    for key, current in opened.items():
        if key not in seen:
            current.resolved_at = now
            outcome.resolved.append(current.id)
    outcome.state = _state(rule, observations, silenced, now)
    rule.state = outcome.state
    rule.last_evaluated_at = now
    rule.last_summary = _summary(observations)
    session.flush()
    return outcome


def _open(session: Session, rule: AlertRule, obs: Observation, now: datetime) -> Alert:
    alert = Alert(
        kind="pacing" if rule.kind == "pacing" else "rule",
        rule_id=rule.id,
        user_id=rule.user_id,
        ad_account_id=rule.ad_account_id,
        campaign_id=obs.campaign_id,
        subject_key=obs.subject_key,
        subject_name=obs.subject_name,
        metric=rule.metric,
        title=obs.title,
        message=obs.message,
        values=obs.values,
        fired_at=now,
        last_seen_at=now,
    )
    session.add(alert)
    session.flush()
    return alert


def _state(rule: AlertRule, observations: list[Observation], silenced: bool, now: datetime) -> str:
    if rule.muted:
        return "muted"
    if is_snoozed(rule, now):
        return "snoozed"
    if any(o.holds for o in observations):
        return "firing"
    if observations and all(o.holds is None for o in observations):
        return "no_data"
    return "ok"


def _summary(observations: list[Observation]) -> str:
    if not observations:
        return "Nothing to watch (no matching campaigns or budgets)."
    firing = [o for o in observations if o.holds]
    if firing:
        shown = " ".join(o.message for o in firing[:3])
        more = f" (+{len(firing) - 3} more)" if len(firing) > 3 else ""
        return shown + more
    if len(observations) == 1:
        return observations[0].message
    unjudged = sum(1 for o in observations if o.holds is None)
    return f"{len(observations)} checked, none firing" + (
        f" ({unjudged} without enough data)" if unjudged else ""
    )


def evaluate_account(session: Session, account_id: int, now: datetime | None = None) -> list[RuleOutcome]:
    """Every enabled rule of an account (after its sync)."""
    now = now or utcnow()
    rules = session.scalars(
        select(AlertRule)
        .where(AlertRule.ad_account_id == account_id, AlertRule.enabled.is_(True))
        .order_by(AlertRule.id)
    )
    return [_safe(session, rule, now) for rule in list(rules)]


def evaluate_all(session: Session, now: datetime | None = None) -> list[RuleOutcome]:
    now = now or utcnow()
    rules = session.scalars(select(AlertRule).where(AlertRule.enabled.is_(True)).order_by(AlertRule.id))
    return [_safe(session, rule, now) for rule in list(rules)]


def _safe(session: Session, rule: AlertRule, now: datetime) -> RuleOutcome:
    """One broken rule (its owner lost access to the account...) must not stop the others."""
    try:
        with session.begin_nested():
            return evaluate_rule(session, rule, now)
    except Exception as exc:
        log.exception("evaluating alert rule %s failed", rule.id)
        rule.state = "error"
        rule.last_evaluated_at = now
        rule.last_summary = f"Could not evaluate: {exc}"
        session.flush()
        return RuleOutcome(rule.id, "error")
