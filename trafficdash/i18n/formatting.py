"""Locale-aware, Decimal-exact formatting of money, counts, percents, dates and relative times.

The patterns, symbols, separators and month names are CLDR's, through Babel; this module adds
only what CLDR leaves to the caller: amounts are rounded half-up (as Meta's reports round)
before Babel sees them, money shows the decimals Meta bills the currency in, and an alphabetic
currency symbol is kept apart from the digits by a non-breaking space (CLDR's currency-spacing
rule, which Babel does not apply). ``None`` (a ratio without a denominator) is always "—".
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale, dates, numbers

from trafficdash import currencies
from trafficdash.i18n.locales import DEFAULT_LOCALE, normalize_locale

NO_VALUE = "—"
NBSP = "\u00a0"

Numeric = Decimal | int | float | str


@lru_cache(maxsize=16)
def babel_locale(locale: str | None = None) -> Locale:
    return Locale.parse(normalize_locale(locale))


def _decimal(value: Numeric) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # the float's shortest repr, not its binary expansion
    return Decimal(value)


def _rounded(value: Numeric, decimals: int) -> Decimal:
    """Half-up to ``decimals`` places; a result of zero loses its sign ("-0.00" reads as a loss)."""
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded == 0 else rounded


@lru_cache(maxsize=256)
def _pattern(locale: str, kind: str, decimals: int) -> numbers.NumberPattern:
    """The locale's decimal/percent/currency pattern with exactly ``decimals`` fraction digits."""
    loc = babel_locale(locale)
    source = {
        "decimal": loc.decimal_formats[None],
        "percent": loc.percent_formats[None],
        "currency": loc.currency_formats["standard"],
    }[kind]
    pattern = copy.copy(source)
    pattern.frac_prec = (decimals, decimals)
    return pattern


def currency_decimals(currency: str) -> int:
    return currencies.decimals(currency)


def currency_symbol(currency: str, locale: str | None = None) -> str:
    return numbers.get_currency_symbol(currency.upper(), locale=babel_locale(locale))


def format_number(value: Numeric | None, locale: str | None = None, decimals: int = 0) -> str:
    if value is None:
        return NO_VALUE
    loc = normalize_locale(locale)
    return _pattern(loc, "decimal", decimals).apply(_rounded(value, decimals), babel_locale(loc))


def format_money(
    value: Numeric | None, currency: str, locale: str | None = None, decimals: int | None = None
) -> str:
    """ "$1,234.56" (en) / "R$ 1.234,56" (pt-BR, the space non-breaking) in the account's
    currency, to the unit Meta bills in (or to ``decimals`` places where a cent would hide a
    difference)."""
    if value is None:
        return NO_VALUE
    loc = normalize_locale(locale)
    code = currency.upper()
    places = currency_decimals(code) if decimals is None else decimals
    text = _pattern(loc, "currency", places).apply(
        _rounded(value, places), babel_locale(loc), currency=code, currency_digits=False
    )
    return _space_alphabetic_symbol(text, currency_symbol(code, loc))


def _space_alphabetic_symbol(text: str, symbol: str) -> str:
    """CLDR currency spacing: "CHF3.00" -> "CHF 3.00", "3.00CHF" -> "3.00 CHF" (non-breaking)."""
    at = text.find(symbol)
    if at < 0:
        return text
    end = at + len(symbol)
    if symbol[-1].isalpha() and end < len(text) and text[end].isdigit():
        return text[:end] + NBSP + text[end:]
    if symbol[0].isalpha() and at > 0 and text[at - 1].isdigit():
        return text[:at] + NBSP + text[at:]
    return text


def format_percent(value: Numeric | None, locale: str | None = None, decimals: int = 1) -> str:
    """``value`` is already in percent units (CTR 1.5 -> "1.5%")."""
    if value is None:
        return NO_VALUE
    loc = normalize_locale(locale)
    fraction = _rounded(value, decimals) / 100
    return _pattern(loc, "percent", decimals).apply(fraction, babel_locale(loc))


def format_change_percent(value: Numeric | None, locale: str | None = None, decimals: int = 1) -> str:
    """A signed change: "+12.3%", "-4.0%", "0.0%"."""
    if value is None:
        return NO_VALUE
    text = format_percent(value, locale, decimals)
    if _rounded(value, decimals) > 0:
        return numbers.get_plus_sign_symbol(babel_locale(locale)) + text
    return text


def format_ratio(
    value: Numeric | None, locale: str | None = None, decimals: int = 2, suffix: str = ""
) -> str:
    """ROAS "3.25x", frequency "1.84"."""
    if value is None:
        return NO_VALUE
    return format_number(value, locale, decimals) + suffix


def format_date(value: date | datetime | None, locale: str | None = None, *, short: bool = False) -> str:
    """CLDR's medium date ("Nov 20, 2026", "20 de nov. de 2026"); ``short`` drops the year
    ("Nov 20", "20 de nov.")."""
    if value is None:
        return NO_VALUE
    day = value.date() if isinstance(value, datetime) else value
    if short:
        return dates.format_skeleton("MMMd", day, locale=babel_locale(locale))
    return dates.format_date(day, "medium", locale=babel_locale(locale))


def format_datetime(value: datetime | None, locale: str | None = None) -> str:
    """A moment in its own time zone, with the locale's clock ("Nov 20, 2026, 3:04 PM")."""
    if value is None:
        return NO_VALUE
    loc = babel_locale(locale)
    return str(loc.datetime_formats["medium"]).format(format_time(value, locale), format_date(value, locale))


def format_time(value: datetime, locale: str | None = None) -> str:
    """The clock time alone, as the locale reads it ("3:04 PM", "15:04")."""
    return dates.format_time(value, "short", tzinfo=value.tzinfo, locale=babel_locale(locale))


def format_date_range(since: date, until: date, locale: str | None = None) -> str:
    """CLDR's interval ("Nov 1 – 7, 2026", "1–7 de nov. de 2026"); one day reads as a date."""
    if since == until:
        return format_date(since, locale)
    return dates.format_interval(since, until, "yMMMd", locale=babel_locale(locale))


def format_time_ago(elapsed: timedelta, locale: str | None = None) -> str | None:
    """ "5 minutes ago", "há 2 horas"; ``None`` under a minute (callers say "just now")."""
    if elapsed < timedelta(minutes=1):
        return None
    return dates.format_timedelta(
        -elapsed, threshold=1, add_direction=True, format="long", locale=babel_locale(locale)
    )


def decimal_symbol(locale: str | None = None) -> str:
    return numbers.get_decimal_symbol(babel_locale(locale))


__all__ = [
    "DEFAULT_LOCALE",
    "NO_VALUE",
    "babel_locale",
    "currency_decimals",
    "currency_symbol",
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
]
