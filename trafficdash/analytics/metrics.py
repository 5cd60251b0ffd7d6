"""The metric formulas marketers must be able to trust.

Every ratio is computed from summed parts (never by averaging daily ratios) and a zero or
missing denominator gives ``None`` ("no value", shown as —), never 0 or infinity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Number = Decimal | int

HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)


def _dec(value: Number | str | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("metric formulas take Decimal or int, not float (money must stay exact)")
    return Decimal(value)


def ratio(
    numerator: Number | None, denominator: Number | None, scale: Decimal = Decimal(1)
) -> Decimal | None:
    """numerator / denominator x scale, or None when the denominator is zero or missing."""
    num, den = _dec(numerator), _dec(denominator)
    if num is None or den is None or den == 0:
        return None
    return num * scale / den


def ctr(clicks: Number | None, impressions: Number | None) -> Decimal | None:
    """Click-through rate in percent: clicks / impressions x 100."""
    return ratio(clicks, impressions, HUNDRED)


def cpc(spend: Number | None, clicks: Number | None) -> Decimal | None:
    """Cost per click: spend / clicks."""
    return ratio(spend, clicks)


def cpm(spend: Number | None, impressions: Number | None) -> Decimal | None:
    """Cost per thousand impressions: spend / impressions x 1000."""
    return ratio(spend, impressions, THOUSAND)


def cpa(spend: Number | None, conversions: Number | None) -> Decimal | None:
    """Cost per acquisition: spend / conversions (the account's chosen action types)."""
    return ratio(spend, conversions)


def roas(conversion_value: Number | None, spend: Number | None) -> Decimal | None:
    """Return on ad spend: conversion value / spend."""
    return ratio(conversion_value, spend)


def frequency(impressions: Number | None, reach: Number | None) -> Decimal | None:
    """Average times each person saw an ad: impressions / reach (reach of the whole period)."""
    return ratio(impressions, reach)


ADDITIVE_FIELDS = ("impressions", "clicks", "link_clicks", "spend", "conversions", "conversion_value")


@dataclass(frozen=True, slots=True)
class Totals:
    """Summed additive parts of a period. Reach is the period's own reach, not a sum."""

    impressions: int = 0
    clicks: int = 0
    link_clicks: int = 0
    spend: Decimal = Decimal(0)
    conversions: Decimal = Decimal(0)
    conversion_value: Decimal = Decimal(0)
    reach: int | None = None
    reach_is_estimate: bool = False

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, Any]], reach: int | None = None, reach_is_estimate: bool = False
    ) -> Totals:
        sums: dict[str, Any] = {f: 0 for f in ADDITIVE_FIELDS}
        for row in rows:
            for f in ADDITIVE_FIELDS:
                sums[f] += row.get(f) or 0
        return cls(
            impressions=int(sums["impressions"]),
            clicks=int(sums["clicks"]),
            link_clicks=int(sums["link_clicks"]),
            spend=Decimal(sums["spend"]),
            conversions=Decimal(sums["conversions"]),
            conversion_value=Decimal(sums["conversion_value"]),
            reach=reach,
            reach_is_estimate=reach_is_estimate,
        )

    @property
    def ctr(self) -> Decimal | None:
        return ctr(self.clicks, self.impressions)

    @property
    def cpc(self) -> Decimal | None:
        return cpc(self.spend, self.clicks)

    @property
    def cpm(self) -> Decimal | None:
        return cpm(self.spend, self.impressions)

    @property
    def cpa(self) -> Decimal | None:
        return cpa(self.spend, self.conversions)

    @property
    def roas(self) -> Decimal | None:
        return roas(self.conversion_value, self.spend)

    @property
    def frequency(self) -> Decimal | None:
        return frequency(self.impressions, self.reach)

    def as_dict(self) -> dict[str, Any]:
        return {
            "impressions": self.impressions,
            "clicks": self.clicks,
            "link_clicks": self.link_clicks,
            "spend": self.spend,
            "conversions": self.conversions,
            "conversion_value": self.conversion_value,
            "reach": self.reach,
            "reach_is_estimate": self.reach_is_estimate,
            "ctr": self.ctr,
            "cpc": self.cpc,
            "cpm": self.cpm,
            "cpa": self.cpa,
            "roas": self.roas,
            "frequency": self.frequency,
        }


# Whether a rise of the metric is good news (drives the green/red colour of a change).
HIGHER_IS_BETTER: dict[str, bool] = {
    "spend": True,
    "impressions": True,
    "reach": True,
    "clicks": True,
    "link_clicks": True,
    "conversions": True,
    "conversion_value": True,
    "ctr": True,
    "roas": True,
    "cpc": False,
    "cpm": False,
    "cpa": False,
    "frequency": False,
}


def is_good_change(key: str, change_abs: Decimal | None) -> bool | None:
    """Whether a change of the metric is good news; None when there is no change to judge."""
    return None if not change_abs else (change_abs > 0) == HIGHER_IS_BETTER.get(key, True)


def change(current: Number | None, previous: Number | None) -> tuple[Decimal | None, Decimal | None]:
    """Absolute and percent change; percent is None when the previous value is zero or missing."""
    cur, prev = _dec(current), _dec(previous)
    if cur is None or prev is None:
        return None, None
    return cur - prev, ratio(cur - prev, prev, HUNDRED)
