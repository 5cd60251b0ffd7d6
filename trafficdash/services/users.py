"""The signed-in user as pages show them: who, and how their Facebook connection stands."""

from __future__ import annotations

from dataclasses import dataclass

from trafficdash import db
from trafficdash.auth.access import is_admin
from trafficdash.auth.connections import ConnectionState, connection_state
from trafficdash.models import User


@dataclass(frozen=True)
class PageUser:
    id: int
    email: str
    connection: ConnectionState


def page_user(user_id: int) -> PageUser | None:
    """None when the session names a user who no longer exists."""
    with db.session_scope() as session:
        user = session.get(User, user_id)
        return PageUser(user.id, user.email, connection_state(user)) if user is not None else None


def user_is_admin(user_id: int) -> bool:
    with db.session_scope() as session:
        return is_admin(session, user_id)
