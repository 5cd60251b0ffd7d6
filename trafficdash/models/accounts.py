"""Meta ad accounts and who may see them.

Two users who connect the same Meta ad account share one copy of its data; access rows
say who may see it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trafficdash.db import Base, MetaId, Money, SurrogateId, utcnow

# Meta's purchase across pixel, app and offline: the default definition of a conversion.
DEFAULT_CONVERSION_ACTION_TYPES = ["omni_purchase"]


class AdAccount(Base):
    __tablename__ = "ad_accounts"

    # Meta's numeric account id (without the ``act_`` prefix).
    id: Mapped[int] = mapped_column(MetaId, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(300), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    timezone_name: Mapped[str] = mapped_column(String(64), default="UTC")
    account_status: Mapped[int] = mapped_column(Integer, default=1)
    amount_spent: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    attribution_setting: Mapped[str | None] = mapped_column(String(64))
    conversion_action_types: Mapped[list[Any]] = mapped_column(
        default=lambda: list(DEFAULT_CONVERSION_ACTION_TYPES)
    )
    last_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    entities_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def act_id(self) -> str:
        return f"act_{self.id}"


class AdAccountAccess(Base):
    __tablename__ = "ad_account_access"
    __table_args__ = (UniqueConstraint("user_id", "ad_account_id"),)

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"), index=True)
    # Meta's tasks for this user on the account (e.g. ANALYZE, ADVERTISE), as Meta reported them.
    tasks: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
