"""Currencies as Meta's "Currency codes" table has them: most have an offset of 100 (amounts in
cents), some have none (offset 1: budgets and spend are whole units).

Inside the sandbox every amount is held in hundredths of the currency; amounts of offset-1
currencies are kept whole (multiples of 100 hundredths), and ``api_amount`` writes an amount in the
currency's own minor units, as Meta's budget and balance fields carry it.
"""

from __future__ import annotations

# Offset 1 in Meta's table: no minor unit. Source: Meta: Marketing API › Currency codes
# (https://developers.facebook.com/docs/marketing-api/currencies): CLP, COP, CRC, HUF, ISK, IDR, JPY, KRW,
# PYG, TWD (and VND) have offset 1, all others 100.
NO_MINOR_UNIT = frozenset({"CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND"})


def offset(currency: str) -> int:
    """Meta's offset: how many API units make one unit of the currency."""
    return 1 if currency in NO_MINOR_UNIT else 100


def whole_step(currency: str) -> int:
    """The sandbox's internal hundredths per smallest amount Meta reports (100 when no minor unit)."""
    return 100 // offset(currency)


def api_amount(hundredths: int, currency: str) -> str:
    """A budget/balance/spent amount in the currency's minor units (cents, or whole yen)."""
    return str(int(hundredths) // whole_step(currency))
