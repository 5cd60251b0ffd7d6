"""One place that knows how each metric reads: money in the account's currency, counts,
percent, ROAS multiple. Pages, components and alert messages format through here, never by hand.
"""

from __future__ import annotations

from decimal import Decimal

from trafficdash.i18n.formatting import format_money, format_number, format_percent, format_ratio

MONEY_KEYS = frozenset({"spend", "cpc", "cpm", "cpa", "conversion_value"})
PERCENT_KEYS = frozenset({"ctr"})
COUNT_KEYS = frozenset({"impressions", "reach", "clicks", "link_clicks"})


def format_metric(
    key: str, value: Decimal | int | None, currency: str, locale: str | None = None, precise: bool = False
) -> str:
    """``precise`` shows 4 decimals for what is not a count: for two values that the usual
    rounding would print alike ("CPC is $0.75, threshold $0.75" when it is 0.754)."""
    extra = 4 if precise else None
    if key in MONEY_KEYS:
        return format_money(value, currency, locale, decimals=extra)
    if key in COUNT_KEYS:
        return format_number(value, locale)
    if key == "ctr":
        return format_percent(value, locale, decimals=extra or 2)
    if key == "roas":
        return format_ratio(value, locale, decimals=extra or 2, suffix="x")
    if key == "frequency":
        return format_ratio(value, locale, decimals=extra or 2)
    if key == "conversions":
        # Meta reports fractional conversions for some action types; show them only when present.
        whole = value is None or Decimal(value) == Decimal(value).to_integral_value()
        return format_number(value, locale, decimals=0 if whole else extra or 2)
    return format_number(value, locale, decimals=extra or 2)


def format_metric_pair(
    key: str,
    first: Decimal | int | None,
    second: Decimal | int | None,
    currency: str,
    locale: str | None = None,
) -> tuple[str, str]:
    """Two values of one metric that read differently whenever they differ (a value and its threshold)."""
    shown = (format_metric(key, first, currency, locale), format_metric(key, second, currency, locale))
    if (
        shown[0] == shown[1]
        and first is not None
        and second is not None
        and Decimal(first) != Decimal(second)
    ):
        shown = (
            format_metric(key, first, currency, locale, precise=True),
            format_metric(key, second, currency, locale, precise=True),
        )
    return shown
