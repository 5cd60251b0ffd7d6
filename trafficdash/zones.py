"""Moments and time zones every layer shares (no database, no web): stored moments as aware UTC,
and an account's zone with UTC as the fallback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A stored moment as an aware UTC datetime (SQLite hands back naive UTC; PostgreSQL, aware)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


UTC_ZONE = ZoneInfo("UTC")


def zone_or_utc(name: str | None) -> ZoneInfo:
    """An ad account's time zone (of its insight days, schedules and "today"); UTC when it has
    none or an unknown one."""
    if not name:
        return UTC_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE
