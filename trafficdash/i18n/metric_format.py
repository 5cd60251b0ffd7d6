"""One place that knows how each metric reads, from its catalogue entry (money in the account's
currency, counts, percent, a ratio with its suffix). Pages, components and alert messages format
through here, never by hand."""

from __future__ import annotations

from decimal import Decimal

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.i18n.formatting import format_money, format_number, format_percent, format_ratio

PRECISE_DECIMALS = 4


def format_metric(
    key: str, value: Decimal | int | None, currency: str, locale: str | None = None, precise: bool = False
) -> str:
    """``precise`` shows 4 decimals for what is not a count: for two values that the usual
    rounding would print alike ("CPC is $0.75, threshold $0.75" when it is 0.754)."""
    extra = PRECISE_DECIMALS if precise else None
    metric = CATALOGUE.get(key)
    if metric is None:
        return format_number(value, locale, decimals=extra or 2)
    if metric.kind == "money":
        return format_money(value, currency, locale, decimals=extra)
    if metric.kind == "percent":
        return format_percent(value, locale, decimals=extra or metric.decimals)
    if metric.kind == "ratio":
        return format_ratio(value, locale, decimals=extra or metric.decimals, suffix=metric.suffix)
    if metric.fractional:
        # Fractions (Meta reports some conversions so) are shown only when present.
        whole = value is None or Decimal(value) == Decimal(value).to_integral_value()
        return format_number(value, locale, decimals=metric.decimals if whole else extra or 2)
    return format_number(value, locale, decimals=metric.decimals)


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
