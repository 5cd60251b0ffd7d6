"""Small helpers for alert tests: rules from templates, evaluation at the pinned time, data injection."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.alerts.conftest import NOW, Synced
from trafficdash import db
from trafficdash.alerts import service
from trafficdash.alerts.evaluation import RuleOutcome, evaluate_rule
from trafficdash.analytics.cache import bump_account_version
from trafficdash.analytics.rollups import refresh_rollups
from trafficdash.models import AlertRule, Campaign

TODAY = date(2026, 11, 20)  # the sandbox's pinned day (the account is in Sao Paulo: 12:00 at NOW)


def rule_from(data: Synced, template: str, **overrides: Any) -> int:
    with db.session_scope() as session:
        return service.create_from_template(session, data.user_id, template, data.account_id, **overrides).id


def evaluate(rule_id: int, now: datetime = NOW) -> RuleOutcome:
    with db.session_scope() as session:
        rule = session.get(AlertRule, rule_id)
        assert rule is not None
        return evaluate_rule(session, rule, now)


def firing(outcome: RuleOutcome) -> set[str]:
    return {o.subject_name for o in outcome.observations if o.holds}


def campaign_named(data: Synced, prefix: str) -> int:
    with db.session_scope() as session:
        return session.scalar(sa.select(Campaign.id).where(Campaign.name.startswith(prefix)))


def rebuild(session: Session, account_id: int, since: date, until: date) -> None:
    """After changing insight rows: rollups and cached answers follow (what a sync does)."""
    refresh_rollups(session, account_id, since, until)
    session.flush()
    bump_account_version(account_id)


def execute(sql: str, **params: Any) -> None:
    with db.session_scope() as session:
        session.execute(sa.text(sql), params)
