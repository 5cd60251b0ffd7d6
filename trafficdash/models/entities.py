"""Campaigns, ad sets and ads as Meta describes them. Primary keys are Meta's ids."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from trafficdash.db import Base, MetaId, Money, utcnow


class _MetaEntity:
    """Columns every Meta object shares."""

    id: Mapped[int] = mapped_column(MetaId, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[str] = mapped_column(String(32), default="ACTIVE")
    effective_status: Mapped[str] = mapped_column(String(48), default="ACTIVE")
    meta_created_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    meta_updated_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Deleted on Meta's side: kept for history, hidden from "active" views.
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Campaign(_MetaEntity, Base):
    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_account_status", "ad_account_id", "effective_status"),)

    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"))
    objective: Mapped[str | None] = mapped_column(String(48))
    buying_type: Mapped[str | None] = mapped_column(String(32))
    bid_strategy: Mapped[str | None] = mapped_column(String(64))
    daily_budget: Mapped[Decimal | None] = mapped_column(Money)
    lifetime_budget: Mapped[Decimal | None] = mapped_column(Money)
    budget_remaining: Mapped[Decimal | None] = mapped_column(Money)
    start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stop_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AdSet(_MetaEntity, Base):
    __tablename__ = "ad_sets"

    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    targeting: Mapped[dict[str, Any]] = mapped_column(default=dict)
    optimization_goal: Mapped[str | None] = mapped_column(String(64))
    billing_event: Mapped[str | None] = mapped_column(String(64))
    bid_strategy: Mapped[str | None] = mapped_column(String(64))
    daily_budget: Mapped[Decimal | None] = mapped_column(Money)
    lifetime_budget: Mapped[Decimal | None] = mapped_column(Money)
    budget_remaining: Mapped[Decimal | None] = mapped_column(Money)
    start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Ad(_MetaEntity, Base):
    __tablename__ = "ads"

    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    ad_set_id: Mapped[int] = mapped_column(ForeignKey("ad_sets.id", ondelete="CASCADE"), index=True)
    creative: Mapped[dict[str, Any]] = mapped_column(default=dict)
