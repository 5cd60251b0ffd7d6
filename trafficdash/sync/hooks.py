"""What runs after a successful sync: sync announces it, the services that care subscribe.

Sync imports none of them (analytics and alerts read what sync writes, not the other way round):
the composition root (``trafficdash.composition.connect_services``, called by the web app, the
command line and the test suite) subscribes the rollup refresh, the cache version bump and the
alert evaluation. Subscribers run in the sync's transaction, in subscription order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

AfterSync = Callable[[Session, int, date, date], None]
"""``(session, account_id, since, until)``: the synced account and day range."""

_subscribers: dict[str, AfterSync] = {}


def subscribe(name: str, hook: AfterSync) -> None:
    """Run ``hook`` after every successful sync; subscribing a name again replaces its hook."""
    _subscribers[name] = hook


def after_sync(session: Session, account_id: int, since: date, until: date) -> list[str]:
    """Run the subscribers for the synced range; the names that ran (kept on the run record)."""
    for hook in _subscribers.values():
        hook(session, account_id, since, until)
    if not _subscribers:
        log.warning(
            "no post-sync subscribers: rollups and alerts of account %s were not refreshed", account_id
        )
    return list(_subscribers)
