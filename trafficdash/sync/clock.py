"""The sync's notion of "now" and of an account's "today" (tests pin it to the sandbox's day)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from trafficdash.zones import zone_or_utc


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_in(timezone_name: str) -> date:
    """Today in the ad account's time zone: Meta's insight dates are in that zone."""
    return now_utc().astimezone(zone_or_utc(timezone_name)).date()
