"""Per-account sync schedule: how often the account is synced in the background.

The database row is the source of truth; rq-scheduler holds a mirror under stable job ids
that is re-registered at every scheduler/web start (so a Redis restart loses nothing).
An account without a row follows the defaults below.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from trafficdash.db import Base, MetaId, utcnow

DEFAULT_INTERVAL_MINUTES = 180
DEFAULT_NIGHTLY_HOUR = 3
# What the UI offers; 0 switches the periodic sync off.
INTERVAL_CHOICES_MINUTES = (0, 60, 120, 180, 360, 720, 1440)


class AccountSchedule(Base):
    __tablename__ = "account_schedules"

    ad_account_id: Mapped[int] = mapped_column(
        MetaId, ForeignKey("ad_accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    interval_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_INTERVAL_MINUTES)
    # The nightly re-read of the whole lookback window, at this hour in the account's time zone.
    nightly_enabled: Mapped[bool] = mapped_column(default=True)
    nightly_hour: Mapped[int] = mapped_column(Integer, default=DEFAULT_NIGHTLY_HOUR)
    updated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
