"""What runs after a successful sync: rollups and the cache version bump (analytics owns both).

Imported lazily: until ``trafficdash.analytics.rollups`` / ``trafficdash.analytics.cache`` exist,
the hooks are skipped (reported in the returned list), never faked.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:  # the module itself is missing, not one of its imports
            return None
        raise
    return getattr(mod, name, None)


def after_sync(session: Session, account_id: int, since: date, until: date) -> list[str]:
    """Refresh rollups for the synced range and bump the account's cache version; names run."""
    ran: list[str] = []
    refresh = _optional("trafficdash.analytics.rollups", "refresh_rollups")
    if refresh is not None:
        refresh(session, account_id, since, until)
        ran.append("refresh_rollups")
    bump = _optional("trafficdash.analytics.cache", "bump_account_version")
    if bump is not None:
        bump(account_id)
        ran.append("bump_account_version")
    evaluate_alerts = _optional("trafficdash.alerts.hooks", "evaluate_after_commit")
    if evaluate_alerts is not None:
        evaluate_alerts(session, account_id)
        ran.append("evaluate_alerts")
    if not ran:
        log.debug("no post-sync hooks available yet for account %s", account_id)
    return ran
