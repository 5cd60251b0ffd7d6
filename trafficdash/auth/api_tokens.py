"""Personal API tokens: shown once, stored as a SHA-256 hash with a short prefix to recognise them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.db import utcnow
from trafficdash.models import ApiToken, User

__all__ = ["ApiToken", "authenticate", "create_token", "list_tokens", "revoke"]

TOKEN_PREFIX = "tdp_"
PREFIX_LENGTH = 12  # "tdp_" + 8 characters: enough to tell tokens apart in a list


def _hash(plain: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is safe (no password stretching needed).
    return hashlib.sha256(plain.encode()).hexdigest()


def create_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name.strip()[:100], prefix=plain[:PREFIX_LENGTH], token_hash=_hash(plain)
    )
    session.add(token)
    session.flush()
    return token, plain


def authenticate(session: Session, plain: str) -> User | None:
    if not plain.startswith(TOKEN_PREFIX):
        return None
    found = session.execute(  # the token and its user in one round trip
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _hash(plain))
    ).first()
    if found is None or found[0].revoked_at is not None:
        return None
    token, user = found
    now = utcnow()
    if token.last_used_at is None or (now - _aware(token.last_used_at)).total_seconds() > 60:
        token.last_used_at = now  # throttled so busy scripts do not write on every call
    return user


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke(session: Session, user: User, token_id: int) -> bool:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return False
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return True


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; they are stored in UTC.
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
