"""Budget pacing: is a campaign or ad set spending its budget at the planned speed?

Pure functions on numbers (no database), so every figure can be checked by hand:

- daily budget B, a share f of the account's day gone, S spent today:
  expected = B x f, projected end-of-day spend = S / f, pace = S / expected;
- lifetime budget L from start to end, a share f of the flight gone, S spent since the start:
  expected = L x f, projected end-of-flight spend = S / f, pace = S / expected.

``off_by`` is pace - 1: +0.30 spends 30% faster than planned, -0.50 half as fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from trafficdash.analytics.metrics import ratio

BudgetType = Literal["daily", "lifetime"]
ZERO = Decimal(0)
ONE = Decimal(1)
# Before this share of the period has gone the sample is too small to judge (first hour of a day...).
MIN_ELAPSED_SHARE = Decimal("0.1")


@dataclass(frozen=True)
class Pacing:
    budget_type: BudgetType
    budget: Decimal
    period_start: datetime
    period_end: datetime
    elapsed_share: Decimal
    expected_to_date: Decimal
    actual_to_date: Decimal
    projected: Decimal | None  # spend at the end of the period at the current speed
    pace: Decimal | None  # actual / expected (1 = on plan); None before anything was expected

    @property
    def off_by(self) -> Decimal | None:
        return None if self.pace is None else self.pace - ONE

    def is_off(self, tolerance: Decimal, min_elapsed: Decimal = MIN_ELAPSED_SHARE) -> bool:
        """Off by more than ``tolerance`` (a share: 0.25 = 25%) once enough of the period has gone."""
        if self.off_by is None or self.elapsed_share < min_elapsed:
            return False
        return abs(self.off_by) > tolerance


def elapsed_share(start: datetime, end: datetime, now: datetime) -> Decimal:
    """The share of [start, end) gone at ``now``, clamped to [0, 1]."""
    total = Decimal(str((end - start).total_seconds()))
    if total <= 0:
        return ONE
    gone = Decimal(str((now - start).total_seconds()))
    return min(ONE, max(ZERO, gone / total))


def _pacing(
    budget_type: BudgetType, budget: Decimal, spent: Decimal, start: datetime, end: datetime, now: datetime
) -> Pacing:
    share = elapsed_share(start, end, now)
    expected = budget * share
    return Pacing(
        budget_type=budget_type,
        budget=budget,
        period_start=start,
        period_end=end,
        elapsed_share=share,
        expected_to_date=expected,
        actual_to_date=spent,
        projected=ratio(spent, share),
        pace=ratio(spent, expected),
    )


def daily_pacing(budget: Decimal, spent_today: Decimal, now_local: datetime) -> Pacing:
    """Pacing of a daily budget; ``now_local`` is the time in the account's time zone."""
    start = datetime.combine(now_local.date(), time(0), tzinfo=now_local.tzinfo)
    return _pacing("daily", budget, spent_today, start, start + timedelta(days=1), now_local)


def lifetime_pacing(
    budget: Decimal, spent_to_date: Decimal, start: datetime, end: datetime, now: datetime
) -> Pacing:
    """Pacing of a lifetime budget over its flight [start, end)."""
    return _pacing("lifetime", budget, spent_to_date, start, end, now)
