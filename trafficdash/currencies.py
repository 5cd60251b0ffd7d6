"""Meta's money units: which currencies it counts in whole units (its "offset 1" currencies) and
which in hundredths. Budgets, bids and ``amount_spent`` arrive in these minor units; reports and
pages show the same number of decimals Meta bills in. The one place this fact lives."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# Meta's currency table: offset 1 (no minor unit) for these, offset 100 for every other currency.
WHOLE_UNIT_CURRENCIES = frozenset(
    {"CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND"}
)


def offset(currency: str) -> int:
    """How many minor units Meta counts in one unit of ``currency``."""
    return 1 if currency.upper() in WHOLE_UNIT_CURRENCIES else 100


def decimals(currency: str) -> int:
    """Decimals Meta bills and shows ``currency`` with (0 or 2; never ISO's 3 for KWD and friends)."""
    return 0 if offset(currency) == 1 else 2


def from_minor_units(value: Any, currency: str) -> Decimal | None:
    """A budget or amount Meta sent in minor units, as an amount of the currency; ``None`` when unset."""
    if value in (None, ""):
        return None
    return Decimal(str(value)) / offset(currency)
