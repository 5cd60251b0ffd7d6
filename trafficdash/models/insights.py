"""Delivery numbers: daily per ad, daily per ad per breakdown value, and period reach.

Natural keys are the primary keys, so a re-sync upserts in place and never duplicates.
Insight tables carry the account/campaign/ad set ids denormalised for fast filtering and
have no foreign keys to the entity tables: bulk loads stay cheap, and an ad deleted on
Meta's side keeps its history.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from trafficdash.db import Base, MetaId, Money, utcnow


class _DeliveryMetrics:
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    link_clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    spend: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    # Reach of that one day (or day x breakdown value); never summed across days.
    reach: Mapped[int] = mapped_column(BigInteger, default=0)
    conversions: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    conversion_value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    # Meta's raw lists, so a change of the account's conversion definition needs no re-sync.
    actions: Mapped[list[Any]] = mapped_column(default=list)
    action_values: Mapped[list[Any]] = mapped_column(default=list)
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class DailyInsight(_DeliveryMetrics, Base):
    __tablename__ = "insights_daily"
    __table_args__ = (
        Index("ix_insights_daily_account_date", "ad_account_id", "date"),
        Index("ix_insights_daily_campaign_date", "campaign_id", "date"),
        Index("ix_insights_daily_adset_date", "ad_set_id", "date"),
    )

    ad_id: Mapped[int] = mapped_column(MetaId, primary_key=True, autoincrement=False)
    # The day in the ad account's time zone, as Meta reports it.
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(MetaId)
    ad_set_id: Mapped[int] = mapped_column(MetaId)
    cost_per_action_type: Mapped[list[Any]] = mapped_column(default=list)
    purchase_roas: Mapped[list[Any]] = mapped_column(default=list)


class BreakdownInsight(_DeliveryMetrics, Base):
    """One row per ad, day, breakdown and breakdown value (``value_2`` is '' when unused).

    breakdown: ``placement`` (publisher_platform, platform_position), ``device``
    (device_platform), ``age_gender`` (age, gender), ``country`` (country).
    """

    __tablename__ = "insights_breakdown"
    __table_args__ = (
        Index("ix_insights_breakdown_account_kind_date", "ad_account_id", "breakdown", "date"),
        Index("ix_insights_breakdown_campaign_kind_date", "campaign_id", "breakdown", "date"),
    )

    ad_id: Mapped[int] = mapped_column(MetaId, primary_key=True, autoincrement=False)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    breakdown: Mapped[str] = mapped_column(String(24), primary_key=True)
    value_1: Mapped[str] = mapped_column(String(64), primary_key=True)
    value_2: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(MetaId)
    ad_set_id: Mapped[int] = mapped_column(MetaId)


class PeriodReach(Base):
    """Reach for a whole range as Meta computed it (unique people, not a sum of days)."""

    __tablename__ = "period_reach"

    # ``account`` or ``campaign`` (ad set / ad levels may be added without a schema change).
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity_id: Mapped[int] = mapped_column(MetaId, primary_key=True, autoincrement=False)
    date_start: Mapped[date] = mapped_column(Date, primary_key=True)
    date_stop: Mapped[date] = mapped_column(Date, primary_key=True)
    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"), index=True)
    reach: Mapped[int] = mapped_column(BigInteger, default=0)
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
