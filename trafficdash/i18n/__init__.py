"""English, Brazilian Portuguese and Latin American Spanish: messages (``t``, from the gettext
catalogues) and CLDR number/money/date formats (Babel)."""

from __future__ import annotations

from typing import Any

from trafficdash.i18n.catalogue import lookup
from trafficdash.i18n.formatting import (
    NO_VALUE,
    babel_locale,
    currency_decimals,
    currency_symbol,
    decimal_symbol,
    format_change_percent,
    format_date,
    format_date_range,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_ratio,
    format_time,
    format_time_ago,
)
from trafficdash.i18n.locales import (
    DEFAULT_LOCALE,
    LOCALES,
    current_locale,
    html_lang,
    normalize_locale,
    set_locale,
)


def t(key: str, locale: str | None = None, *, default: str | None = None, **params: Any) -> str:
    """The message for ``key`` in the locale (the browser's choice by default).

    Falls back to English, then to ``default``, then to the key itself, so a missing
    translation shows up as readable text instead of an error.
    """
    loc = normalize_locale(locale)
    text = lookup(key, loc) or lookup(key, DEFAULT_LOCALE) or default or key
    return text.format(**params) if params else text


def tn(key: str, count: int, locale: str | None = None, **params: Any) -> str:
    """``t`` with a count: ``key.<CLDR plural category>`` ("one", "many", ...), else ``key.other``."""
    loc = normalize_locale(locale)
    category = babel_locale(loc).plural_form(count)
    if lookup(f"{key}.{category}", loc) is None:
        category = "other"
    return t(f"{key}.{category}", loc, count=count, **params)


__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "NO_VALUE",
    "currency_decimals",
    "currency_symbol",
    "current_locale",
    "decimal_symbol",
    "format_change_percent",
    "format_date",
    "format_date_range",
    "format_datetime",
    "format_money",
    "format_number",
    "format_percent",
    "format_ratio",
    "format_time",
    "format_time_ago",
    "html_lang",
    "normalize_locale",
    "set_locale",
    "t",
    "tn",
]
