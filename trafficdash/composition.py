"""How the services hear of each other, wired once per process by its composition root (the web
app, the command line, the test suite): events go up the layers, imports go down.

Sync must not import analytics or alerts (they read what it writes), so after a sync they are
told through ``sync.hooks``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from trafficdash.alerts.hooks import evaluate_after_commit
from trafficdash.analytics.cache import bump_account_version
from trafficdash.analytics.rollups import refresh_rollups
from trafficdash.sync import hooks


def _bump_cache_version(_session: Session, account_id: int, _since: date, _until: date) -> None:
    bump_account_version(account_id)


def _evaluate_alerts(session: Session, account_id: int, _since: date, _until: date) -> None:
    evaluate_after_commit(session, account_id)


def connect_services() -> None:
    """Subscribe analytics and alerts to the end of a sync (idempotent)."""
    hooks.subscribe("refresh_rollups", refresh_rollups)
    hooks.subscribe("bump_account_version", _bump_cache_version)
    hooks.subscribe("evaluate_alerts", _evaluate_alerts)
