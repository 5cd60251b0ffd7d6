"""What the alert surfaces of the UI read and change: the Alerts page, the header's bell and the
badges of the dashboard pages. Texts come back in the reader's ``locale`` (a worker thread cannot
read the browser's storage)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from trafficdash import db
from trafficdash.alerts import service
from trafficdash.alerts.evaluation import evaluate_rule
from trafficdash.alerts.rules import describe
from trafficdash.alerts.wording import alert_wording
from trafficdash.auth.access import visible_accounts
from trafficdash.i18n import t
from trafficdash.models import AdAccount

MAX_ANOMALIES = 5
SUMMARY_ALERTS = 3  # a firing rule's line shows this many of its alerts


def unread_count(user_id: int) -> int:
    with db.session_scope() as session:
        return service.unread_count(session, user_id)


@dataclass(frozen=True)
class AnomalyNote:
    id: int
    title: str
    explanation: str


@dataclass(frozen=True)
class OpenAlerts:
    """Open, unacknowledged alerts (what still needs a look), counted by subject."""

    total: int = 0
    per_campaign: dict[int, int] = field(default_factory=dict)
    anomalies: list[AnomalyNote] = field(default_factory=list)

    def for_campaign(self, campaign_id: int) -> int:
        return self.per_campaign.get(campaign_id, 0)


def open_alerts(user_id: int, account_ids: list[int], locale: str = "en") -> OpenAlerts:
    """The open alerts of these accounts and their anomalies explained; empty ``account_ids`` =
    nothing selected."""
    if not account_ids:
        return OpenAlerts()
    with db.session_scope() as session:
        counts = service.open_alert_counts(session, user_id, account_ids)
        anomalies = service.list_alerts(
            session,
            user_id,
            service.AlertQuery(
                account_ids=account_ids,
                kind="anomaly",
                open_only=True,
                unacknowledged_only=True,
                limit=MAX_ANOMALIES,
            ),
        )
        currencies = {
            account_id: currency
            for account_id, currency in session.execute(
                select(AdAccount.id, AdAccount.currency).where(AdAccount.id.in_(account_ids))
            )
        }
        notes = [
            AnomalyNote(a.id, *alert_wording(a, currencies.get(a.ad_account_id, ""), locale))
            for a in anomalies
        ]
    total = sum(n for key, n in counts.items() if key.startswith("account:"))
    per_campaign = {
        int(key.removeprefix("campaign:")): n for key, n in counts.items() if key.startswith("campaign:")
    }
    return OpenAlerts(total=total, per_campaign=per_campaign, anomalies=notes)


@dataclass(frozen=True)
class AlertAccounts:
    names: dict[int, str]
    currencies: dict[int, str]


def alert_accounts(user_id: int) -> AlertAccounts:
    with db.session_scope() as session:
        accounts = visible_accounts(session, user_id)
        return AlertAccounts({a.id: a.name for a in accounts}, {a.id: a.currency for a in accounts})


def create_from_template(user_id: int, key: str, account_id: int, name: str) -> str:
    """The new rule's name. Raises ``InvalidRule``, ``AccountNotFound`` or ``NotAdmin``."""
    overrides = {"name": name} if name else {}
    with db.session_scope() as session:
        return service.create_from_template(session, user_id, key, account_id, **overrides).name


def evaluate(user_id: int, rule_id: int) -> int:
    """Evaluate a rule now; how many alerts it fired."""
    with db.session_scope() as session:
        rule = service.get_rule(session, user_id, rule_id)
        return len(evaluate_rule(session, rule).fired)


def delete_rule(user_id: int, rule_id: int) -> None:
    with db.session_scope() as session:
        service.delete_rule(session, user_id, rule_id)


def set_muted(user_id: int, rule_id: int, muted: bool) -> None:
    with db.session_scope() as session:
        service.set_muted(session, user_id, rule_id, muted)


def acknowledge(user_id: int, alert_id: int) -> None:
    with db.session_scope() as session:
        service.acknowledge(session, user_id, alert_id)


@dataclass(frozen=True)
class RuleLine:
    id: int
    name: str
    description: str
    state: str
    last_evaluated_at: datetime | None
    summary: str
    muted: bool


def _summary(state: str, stored: str, locale: str) -> str:
    """The stored evaluation summary is English and detailed ("12 checked, none firing"); other
    languages get what the state means."""
    return stored if locale == "en" else t(f"alerts.summary.{state}", locale, default=stored)


def rule_lines(user_id: int, currencies: dict[int, str], locale: str) -> list[RuleLine]:
    with db.session_scope() as session:
        rules = service.list_rules(session, user_id)
        firing_ids = [r.id for r in rules if r.state == "firing"]
        found: dict[int, list[str]] = defaultdict(list)
        query = service.AlertQuery(rule_ids=firing_ids, open_only=True, limit=10_000)
        for alert in service.list_alerts(session, user_id, query) if firing_ids else ():
            currency = currencies.get(alert.ad_account_id, "")
            found[alert.rule_id].append(alert_wording(alert, currency, locale)[1])  # type: ignore[index]
        return [
            RuleLine(
                r.id,
                r.name,
                describe(r, locale, currencies.get(r.ad_account_id)),
                r.state,
                r.last_evaluated_at,
                _firing_line(found[r.id], locale)
                if found.get(r.id)
                else _summary(r.state, r.last_summary or "", locale),
                r.muted,
            )
            for r in rules
        ]


def _firing_line(messages: list[str], locale: str) -> str:
    """What a firing rule found, in the reader's language (the stored summary is English)."""
    more = len(messages) - SUMMARY_ALERTS
    shown = " ".join(messages[:SUMMARY_ALERTS])
    return f"{shown} {t('alerts.more', locale, count=more)}" if more > 0 else shown


@dataclass(frozen=True)
class HistoryLine:
    id: int
    title: str
    message: str
    fired_at: datetime
    resolved_at: datetime | None
    acknowledged_at: datetime | None


def history(user_id: int, currencies: dict[int, str], locale: str, limit: int = 100) -> list[HistoryLine]:
    with db.session_scope() as session:
        alerts = service.list_alerts(session, user_id, service.AlertQuery(limit=limit))
        return [
            HistoryLine(
                a.id,
                *alert_wording(a, currencies.get(a.ad_account_id, ""), locale),
                a.fired_at,
                a.resolved_at,
                a.acknowledged_at,
            )
            for a in alerts
        ]
