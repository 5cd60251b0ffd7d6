"""The post-sync hook: once the sync's transaction commits, queue the account's rule evaluation."""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def evaluate_after_commit(session: Session, account_id: int) -> None:
    """Queue ``evaluate_account_task`` when ``session`` commits (so the job reads the new rollups)."""

    def _queue(_session: Session) -> None:
        from trafficdash.alerts.tasks import enqueue_account_evaluation

        try:
            enqueue_account_evaluation(account_id)
        except Exception:  # the sync succeeded; the periodic evaluation will catch up
            log.exception("could not queue the alert evaluation of account %s", account_id)

    event.listen(session, "after_commit", _queue, once=True)
