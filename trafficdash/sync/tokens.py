"""Whose token reads an account: connected users with access, the requester first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.auth.connections import mark_needs_reconnect
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
