"""Locale-aware, Decimal-exact formatting of money, counts, percents and dates.

Babel is not a dependency, so the few formats the dashboard needs are written out here:
en uses "$1,234.56" / "1,234" / "12.3%" / "Nov 20, 2026"; pt-BR uses "R$ 1.234,56" /
"1.234" / "12,3%" / "20/11/2026". ``None`` (a ratio without a denominator) is always "—".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from trafficdash.i18n.locales import DEFAULT_LOCALE, normalize_locale

NO_VALUE = "—"

Numeric = Decimal | int | float | str

_SEPARATORS = {"en": (",", "."), "pt_BR": (".", ",")}  # (thousands, decimal)

# Symbols per display locale; a currency missing here is shown by its ISO code.
_SYMBOLS: dict[str, dict[str, str]] = {
    "en": {
        "USD": "$",
        "BRL": "R$",
        "EUR": "€",
        "GBP": "£",
        "JPY": "¥",
        "CAD": "CA$",
        "AUD": "A$",
        "MXN": "MX$",
        "INR": "₹",
    },
    "pt_BR": {
        "USD": "US$",
        "BRL": "R$",
        "EUR": "€",
        "GBP": "£",
        "JPY": "JP¥",
        "CAD": "CA$",
        "AUD": "AU$",
        "MXN": "MX$",
        "INR": "₹",
    },
}
# Currencies Meta bills without minor units.
_ZERO_DECIMAL = {"JPY", "KRW", "CLP", "VND", "PYG", "ISK", "HUF", "TWD", "IDR", "COP", "CRC"}

_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "pt_BR": ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"],
}


def _decimal(value: Numeric) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # the float's shortest repr, not its binary expansion
    return Decimal(value)


def currency_decimals(currency: str) -> int:
    return 0 if currency.upper() in _ZERO_DECIMAL else 2


def currency_symbol(currency: str, locale: str | None = None) -> str:
    loc = normalize_locale(locale)
    return _SYMBOLS[loc].get(currency.upper(), currency.upper())


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def _plain(value: Decimal, decimals: int, locale: str) -> tuple[bool, str]:
    """(is_negative, grouped digits with the locale's separators), rounded half-up."""
    thousands, point = _SEPARATORS[locale]
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    negative = rounded < 0
    text = f"{abs(rounded):f}"
    whole, _, frac = text.partition(".")
    grouped = _group(whole, thousands)
    return negative, grouped + (point + frac if decimals > 0 else "")


def format_number(value: Numeric | None, locale: str | None = None, decimals: int = 0) -> str:
    if value is None:
        return NO_VALUE
    negative, text = _plain(_decimal(value), decimals, normalize_locale(locale))
    return ("-" if negative else "") + text


def format_money(
    value: Numeric | None, currency: str, locale: str | None = None, decimals: int | None = None
) -> str:
    """ "$1,234.56" (en) / "R$ 1.234,56" (pt-BR) in the account's currency, to the cent (or to
    ``decimals`` places where a cent would hide a difference)."""
    if value is None:
        return NO_VALUE
    loc = normalize_locale(locale)
    places = currency_decimals(currency) if decimals is None else decimals
    negative, text = _plain(_decimal(value), places, loc)
    symbol = currency_symbol(currency, loc)
    gap = " " if loc == "pt_BR" or symbol.isalpha() else ""
    return ("-" if negative else "") + symbol + gap + text


def format_percent(value: Numeric | None, locale: str | None = None, decimals: int = 1) -> str:
    """``value`` is already in percent units (CTR 1.5 -> "1.5%")."""
    if value is None:
        return NO_VALUE
    return format_number(value, locale, decimals) + "%"


def format_change_percent(value: Numeric | None, locale: str | None = None, decimals: int = 1) -> str:
    """A signed change: "+12.3%", "-4.0%", "0.0%"."""
    if value is None:
        return NO_VALUE
    text = format_percent(value, locale, decimals)
    return (
        text
        if text.startswith("-") or _decimal(value).quantize(Decimal(1).scaleb(-decimals)) == 0
        else "+" + text
    )


def format_ratio(
    value: Numeric | None, locale: str | None = None, decimals: int = 2, suffix: str = ""
) -> str:
    """ROAS "3.25x", frequency "1.84"."""
    if value is None:
        return NO_VALUE
    return format_number(value, locale, decimals) + suffix


def format_date(value: date | datetime | None, locale: str | None = None, *, short: bool = False) -> str:
    """en "Nov 20, 2026" (short "Nov 20"); pt-BR "20/11/2026" (short "20 nov")."""
    if value is None:
        return NO_VALUE
    loc = normalize_locale(locale)
    day = value.date() if isinstance(value, datetime) else value
    month = _MONTHS[loc][day.month - 1]
    if loc == "pt_BR":
        return f"{day.day} {month}" if short else f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{month} {day.day}" if short else f"{month} {day.day}, {day.year}"


def format_datetime(value: datetime | None, locale: str | None = None) -> str:
    if value is None:
        return NO_VALUE
    return f"{format_date(value, locale)} {value:%H:%M}"


def format_date_range(since: date, until: date, locale: str | None = None) -> str:
    if since == until:
        return format_date(since, locale)
    return f"{format_date(since, locale)} – {format_date(until, locale)}"


__all__ = [
    "DEFAULT_LOCALE",
    "NO_VALUE",
    "currency_decimals",
    "currency_symbol",
    "format_change_percent",
    "format_date",
    "format_date_range",
    "format_datetime",
    "format_money",
    "format_number",
    "format_percent",
    "format_ratio",
]
