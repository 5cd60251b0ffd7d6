"""Alert rules, the alerts they raise (one row per episode), and each delivery attempt."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trafficdash.db import Base, MetaId, Money, SurrogateId, utcnow


class AlertRule(Base):
    """What a user asked to be told about, and where evaluation left it."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    template: Mapped[str | None] = mapped_column(String(64))
    # "metric" (a metric condition) or "pacing" (budget pacing of campaigns and ad sets).
    kind: Mapped[str] = mapped_column(String(16), default="metric")
    # "account": the account's totals; "campaign": one campaign (campaign_id) or, without an id,
    # each active campaign of the account on its own.
    scope: Mapped[str] = mapped_column(String(16), default="account")
    campaign_id: Mapped[int | None] = mapped_column(MetaId, ForeignKey("campaigns.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(32), default="spend")
    # "above" / "below" a value, or "change_above" / "change_below" by a percentage vs the baseline.
    condition: Mapped[str] = mapped_column(String(16), default="above")
    threshold: Mapped[Decimal] = mapped_column(Money)
    # "previous" (the period before the window) or "trailing_7d" (the 7 days before the window).
    baseline: Mapped[str] = mapped_column(String(16), default="previous")
    window: Mapped[str] = mapped_column(String(16), default="today")
    min_spend: Mapped[Decimal | None] = mapped_column(Money)
    min_impressions: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[list[Any]] = mapped_column(default=lambda: ["in_app"])
    email_to: Mapped[str | None] = mapped_column(String(320))
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    slack_webhook_url: Mapped[str | None] = mapped_column(String(2000))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Last evaluation: "ok", "firing", "no_data", "snoozed", "muted".
    state: Mapped[str] = mapped_column(String(16), default="new")
    last_evaluated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Alert(Base):
    """One episode: opened when a condition starts to hold, resolved when it clears.

    Rule alerts belong to the rule's owner; anomalies (no rule) belong to the account and are seen by
    everyone who can see it.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_rule_subject_open", "rule_id", "subject_key", "resolved_at"),
        Index("ix_alerts_account_fired", "ad_account_id", "fired_at"),
    )

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    # "rule", "pacing" or "anomaly".
    kind: Mapped[str] = mapped_column(String(16))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ad_account_id: Mapped[int] = mapped_column(ForeignKey("ad_accounts.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(MetaId)
    # What the episode is about: "account:<id>", "campaign:<id>", "adset:<id>", "anomaly:<metric>:<slice>:<day>".
    subject_key: Mapped[str] = mapped_column(String(200))
    subject_name: Mapped[str] = mapped_column(String(400), default="")
    metric: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    # The numbers that fired it (value, baseline, threshold, window, volumes...), as strings.
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AlertDelivery(Base):
    """One attempt to deliver an alert on one channel (the visible delivery status)."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(2000), default="")
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    # "sent", "failed" (will retry) or "gave_up".
    status: Mapped[str] = mapped_column(String(16))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    # When a failed attempt is tried again (None once sent or given up).
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
