"""Moments shown in an ad account's own time zone, the zone its schedules and insight days use."""

from __future__ import annotations

from datetime import datetime

from trafficdash.i18n import NO_VALUE, format_datetime
from trafficdash.zones import as_utc, zone_or_utc


def account_time(value: datetime | None, timezone_name: str | None, locale: str | None = None) -> str:
    """Wall-clock time in the account's zone (the server's when the account has none)."""
    if value is None:
        return NO_VALUE
    zone = zone_or_utc(timezone_name) if timezone_name else None
    return format_datetime(as_utc(value).astimezone(zone), locale)
