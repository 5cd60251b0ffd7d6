"""Named date ranges (Meta's date_preset semantics) and the comparison period.

``today`` must be "today" in the ad account's time zone: insight dates are account-local.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, get_args

from trafficdash.analytics.errors import InvalidFilters

PresetName = Literal[
    "today", "yesterday", "last_7d", "last_14d", "last_30d", "last_90d", "this_month", "last_month"
]
PRESETS: tuple[str, ...] = get_args(PresetName)

# "last N days" as Meta defines it: the N full days ending yesterday (today is still running).
_LAST_N_DAYS = {"last_7d": 7, "last_14d": 14, "last_30d": 30, "last_90d": 90}


def _month_start(day: date) -> date:
    return day.replace(day=1)


def resolve_preset(name: str, today: date) -> tuple[date, date]:
    """(since, until) of a preset, both inclusive."""
    if name == "today":
        return today, today
    yesterday = today - timedelta(days=1)
    if name == "yesterday":
        return yesterday, yesterday
    if name in _LAST_N_DAYS:
        return today - timedelta(days=_LAST_N_DAYS[name]), yesterday
    if name == "this_month":
        return _month_start(today), today
    if name == "last_month":
        last_day = _month_start(today) - timedelta(days=1)
        return _month_start(last_day), last_day
    raise InvalidFilters(f"Unknown date preset {name!r}; use one of: {', '.join(PRESETS)}.")


def previous_period(since: date, until: date) -> tuple[date, date]:
    """The range of the same length that ends the day before ``since``."""
    length = (until - since).days + 1
    return since - timedelta(days=length), since - timedelta(days=1)
