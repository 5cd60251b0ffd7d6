"""English and Brazilian Portuguese: messages (``t``) and locale-aware number/money/date formats."""

from __future__ import annotations

from typing import Any

from trafficdash.i18n.formatting import (
    NO_VALUE,
    currency_decimals,
    currency_symbol,
    format_change_percent,
    format_date,
    format_date_range,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_ratio,
)
from trafficdash.i18n.locales import (
    DEFAULT_LOCALE,
    LOCALES,
    current_locale,
    html_lang,
    normalize_locale,
    set_locale,
)
from trafficdash.i18n.messages import MESSAGES


def t(key: str, locale: str | None = None, *, default: str | None = None, **params: Any) -> str:
    """The message for ``key`` in the locale (the browser's choice by default).

    Falls back to English, then to ``default``, then to the key itself, so a missing
    translation shows up as readable text instead of an error.
    """
    loc = normalize_locale(locale)
    text = MESSAGES[loc].get(key) or MESSAGES[DEFAULT_LOCALE].get(key) or default or key
    return text.format(**params) if params else text


def tn(key: str, count: int, locale: str | None = None, **params: Any) -> str:
    """``t`` with a count: ``key.one`` for exactly one, else ``key.other`` (both locales pluralise so)."""
    return t(f"{key}.{'one' if count == 1 else 'other'}", locale, count=count, **params)


__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "NO_VALUE",
    "currency_decimals",
    "currency_symbol",
    "current_locale",
    "format_change_percent",
    "format_date",
    "format_date_range",
    "format_datetime",
    "format_money",
    "format_number",
    "format_percent",
    "format_ratio",
    "html_lang",
    "normalize_locale",
    "set_locale",
    "t",
    "tn",
]
