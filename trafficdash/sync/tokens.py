"""Whose token reads an account: connected users with access, the requester first."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.auth.crypto import TokenDecryptionError, decrypt_token
from trafficdash.models import AdAccountAccess, ConnectionStatus, User


@dataclass(frozen=True)
class Candidate:
    user_id: int
    token: str


def candidates(session: Session, account_id: int, prefer_user_id: int | None = None) -> list[Candidate]:
    stmt = (
        select(User)
        .join(AdAccountAccess, AdAccountAccess.user_id == User.id)
        .where(
            AdAccountAccess.ad_account_id == account_id,
            User.connection_status == ConnectionStatus.CONNECTED.value,
            User.meta_token_encrypted.is_not(None),
        )
        .order_by(User.id)
    )
    users = list(session.scalars(stmt))
    users.sort(key=lambda u: u.id != prefer_user_id)
    out = []
    for user in users:
        try:
            out.append(Candidate(user.id, decrypt_token(user.meta_token_encrypted or "")))
        except TokenDecryptionError as exc:
            mark_needs_reconnect(session, user.id, str(exc))
    return out


def mark_needs_reconnect(session: Session, user_id: int, reason: str) -> None:
    """Meta answered 190 for this user's token: the connection must be authorised again."""
    try:
        connections = importlib.import_module("trafficdash.auth.connections")
    except ModuleNotFoundError as exc:
        if exc.name != "trafficdash.auth.connections":
            raise
        connections = None
    hook = getattr(connections, "mark_needs_reconnect", None) if connections else None
    if hook is not None:
        hook(session, user_id, reason)
        return
    user = session.get(User, user_id)
    if user is not None:
        user.connection_status = ConnectionStatus.NEEDS_RECONNECT.value
        user.connection_error = reason
        session.flush()
