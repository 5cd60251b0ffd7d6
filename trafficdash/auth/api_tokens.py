"""Personal API tokens: shown once, stored as a SHA-256 hash with a short prefix to recognise them."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from trafficdash.db import as_utc, utcnow
from trafficdash.models import ApiToken, User

__all__ = [
    "ApiToken",
    "authenticate",
    "authenticated_user_id",
    "bearer_token",
    "create_token",
    "list_tokens",
    "revoke",
]

TOKEN_PREFIX = "tdp_"
PREFIX_LENGTH = 12  # "tdp_" + 8 characters: enough to tell tokens apart in a list


def bearer_token(authorization: str) -> str | None:
    """The token of an ``Authorization`` header value ``Bearer <token>`` (scheme in any case, spaces
    around the token ignored), or None when the value is not one. The API authenticates and the rate
    limiter counts this same token, so spacing cannot make a token look like another."""
    scheme, _, credentials = authorization.partition(" ")
    token = credentials.strip()
    return token if scheme.lower() == "bearer" and token else None


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
    """The token's user (one round trip for both), or None for an unknown or revoked token."""
    found = _lookup(session, plain, User)
    return found[0] if found is not None else None


def authenticated_user_id(session: Session, plain: str) -> int | None:
    """Like ``authenticate`` for callers that need only the id: no user row is loaded."""
    found = _lookup(session, plain, ApiToken.user_id)
    return found[0] if found is not None else None


def _lookup(session: Session, plain: str, wanted: Any) -> Row[Any] | None:
    """The live token's row, ``wanted`` first (else None); notes when the token was last used."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    stmt = select(wanted, ApiToken.id, ApiToken.revoked_at, ApiToken.last_used_at)
    if wanted is User:
        stmt = stmt.join(User, User.id == ApiToken.user_id)
    found = session.execute(stmt.where(ApiToken.token_hash == _hash(plain))).first()
    if found is None or found.revoked_at is not None:
        return None
    now = utcnow()
    if found.last_used_at is None or (now - as_utc(found.last_used_at)).total_seconds() > 60:
        # Throttled so that busy scripts do not write on every call.
        session.execute(update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now))
    return found


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
