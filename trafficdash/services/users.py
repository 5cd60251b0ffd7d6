"""The signed-in user as every page's frame shows them: who, how their Facebook connection stands
and their unread alerts (the header's bell), in one worker-thread hop."""

from __future__ import annotations

from dataclasses import dataclass

from trafficdash import db
from trafficdash.alerts.service import unread_count
from trafficdash.auth.access import is_admin
from trafficdash.auth.connections import ConnectionState, connection_state
from trafficdash.models import User


@dataclass(frozen=True)
class PageUser:
    id: int
    email: str
    connection: ConnectionState
    unread_alerts: int


def page_user(user_id: int) -> PageUser | None:
    """None when the session names a user who no longer exists."""
    with db.session_scope() as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        return PageUser(user.id, user.email, connection_state(user), unread_count(session, user.id))


def user_is_admin(user_id: int) -> bool:
    with db.session_scope() as session:
        return is_admin(session, user_id)
