"""People who sign in, their Meta connection, and their personal API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trafficdash.db import Base, SurrogateId, utcnow


class ConnectionStatus(StrEnum):
    NOT_CONNECTED = "not_connected"
    CONNECTED = "connected"
    # Meta answered 190 (expired / revoked / password changed): the user must log in again.
    NEEDS_RECONNECT = "needs_reconnect"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    meta_user_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Fernet ciphertext; the plain token never touches the database.
    meta_token_encrypted: Mapped[str | None] = mapped_column(Text)
    meta_token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    meta_token_scopes: Mapped[list[Any]] = mapped_column(default=list)
    connection_status: Mapped[str] = mapped_column(String(32), default=ConnectionStatus.NOT_CONNECTED)
    connection_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")


class ApiToken(Base):
    """A personal API token; only a prefix (to recognise it) and a SHA-256 hash are kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="api_tokens")
