"""What the "Sync now" buttons and the Sync page read and change: runs started, followed and
listed, and each account's sync schedule."""

from __future__ import annotations

from trafficdash import db
from trafficdash.auth.access import require_admin, visible_account_ids
from trafficdash.jobs import status as sync_status
from trafficdash.jobs.status import RunStatus, ScheduleOut
from trafficdash.models.schedules import INTERVAL_CHOICES_MINUTES
from trafficdash.sync.runs import active_run

__all__ = ["INTERVAL_CHOICES_MINUTES", "RunStatus", "ScheduleOut"]


def start(user_id: int, account_ids: list[int]) -> list[RunStatus]:
    """Queue a manual sync of these accounts (empty = every visible one). Raises ``AccountNotFound``
    or ``SyncQueueBusy``."""
    with db.session_scope() as session:
        return sync_status.start_sync(session, user_id, list(account_ids), trigger="manual")


def poll(user_id: int, run_ids: list[int]) -> list[RunStatus]:
    with db.session_scope() as session:
        return [sync_status.run_status(session, user_id, run_id) for run_id in run_ids]


def running(user_id: int, account_ids: list[int] | None) -> list[int]:
    """The runs in progress on these accounts (None = every visible one)."""
    with db.session_scope() as session:
        ids = account_ids if account_ids is not None else visible_account_ids(session, user_id)
        return [run.id for account_id in ids if (run := active_run(session, account_id)) is not None]


def history(user_id: int, limit: int = 50) -> list[RunStatus]:
    with db.session_scope() as session:
        return sync_status.history(session, user_id, limit=limit)


def schedules(user_id: int) -> list[ScheduleOut]:
    with db.session_scope() as session:
        return sync_status.schedule_list(session, user_id)


def save_schedule(user_id: int, account_id: int, interval: int, nightly: bool, hour: int) -> None:
    """Raises ``AccountNotFound``, ``NotAdmin`` or ``InvalidSchedule``."""
    with db.session_scope() as session:
        require_admin(session, user_id, [account_id], what="sync schedules")
        sync_status.update_schedule(
            session,
            user_id,
            account_id,
            interval_minutes=interval,
            nightly_enabled=nightly,
            nightly_hour=hour,
        )
