"""One place that knows how each metric reads: money in the account's currency, counts,
percent, ROAS multiple. Pages, components and alert messages format through here, never by hand.
"""

from __future__ import annotations

from decimal import Decimal

from trafficdash.i18n.formatting import format_money, format_number, format_percent, format_ratio

MONEY_KEYS = frozenset({"spend", "cpc", "cpm", "cpa", "conversion_value"})
PERCENT_KEYS = frozenset({"ctr"})
COUNT_KEYS = frozenset({"impressions", "reach", "clicks", "link_clicks"})


def format_metric(key: str, value: Decimal | int | None, currency: str, locale: str | None = None) -> str:
    if key in MONEY_KEYS:
        return format_money(value, currency, locale)
    if key in COUNT_KEYS:
        return format_number(value, locale)
    if key == "ctr":
        return format_percent(value, locale, decimals=2)
    if key == "roas":
        return format_ratio(value, locale, decimals=2, suffix="x")
    if key == "frequency":
        return format_ratio(value, locale, decimals=2)
    if key == "conversions":
        # Meta reports fractional conversions for some action types; show them only when present.
        whole = value is None or Decimal(value) == Decimal(value).to_integral_value()
        return format_number(value, locale, decimals=0 if whole else 2)
    return format_number(value, locale, decimals=2)
