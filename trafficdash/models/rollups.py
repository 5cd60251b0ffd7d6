"""Pre-summed insights that keep dashboard queries fast as the ad-level tables grow.

Rebuilt from ``insights_daily`` / ``insights_breakdown`` for a date range after each sync
(trafficdash.analytics.rollups.refresh_rollups). Only additive metrics live here: reach is
not additive (a period's reach comes from PeriodReach), so it is deliberately absent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from trafficdash.db import Base, MetaId, Money


class _AdditiveMetrics:
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    link_clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    spend: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    conversions: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    conversion_value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class AccountDailyRollup(_AdditiveMetrics, Base):
    __tablename__ = "rollup_account_daily"

    ad_account_id: Mapped[int] = mapped_column(
        ForeignKey("ad_accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    date: Mapped[date] = mapped_column(Date, primary_key=True)


class CampaignDailyRollup(_AdditiveMetrics, Base):
    __tablename__ = "rollup_campaign_daily"
    __table_args__ = (Index("ix_rollup_campaign_daily_account_date", "ad_account_id", "date"),)

    campaign_id: Mapped[int] = mapped_column(MetaId, primary_key=True, autoincrement=False)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"))


class AccountBreakdownRollup(_AdditiveMetrics, Base):
    """Per account, breakdown value and day (see BreakdownInsight for the value columns)."""

    __tablename__ = "rollup_account_breakdown_daily"

    ad_account_id: Mapped[int] = mapped_column(
        ForeignKey("ad_accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    breakdown: Mapped[str] = mapped_column(String(24), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    value_1: Mapped[str] = mapped_column(String(64), primary_key=True)
    value_2: Mapped[str] = mapped_column(String(64), primary_key=True, default="")


class CampaignBreakdownRollup(_AdditiveMetrics, Base):
    """Per campaign, breakdown value and day: breakdowns filtered by campaign status/objective/name."""

    __tablename__ = "rollup_campaign_breakdown_daily"
    __table_args__ = (
        Index("ix_rollup_campaign_breakdown_daily_account", "ad_account_id", "breakdown", "date"),
    )

    campaign_id: Mapped[int] = mapped_column(MetaId, primary_key=True, autoincrement=False)
    breakdown: Mapped[str] = mapped_column(String(24), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    value_1: Mapped[str] = mapped_column(String(64), primary_key=True)
    value_2: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"))
