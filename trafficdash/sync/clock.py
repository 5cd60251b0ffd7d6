"""The sync's notion of "now" and of an account's "today" (tests pin it to the sandbox's day)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_in(timezone_name: str) -> date:
    """Today in the ad account's time zone: Meta's insight dates are in that zone."""
    try:
        zone = ZoneInfo(timezone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now_utc().astimezone(zone).date()
