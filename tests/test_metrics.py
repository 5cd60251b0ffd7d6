from decimal import Decimal

import pytest

from trafficdash.analytics import metrics
from trafficdash.analytics.metrics import Totals


def test_formulas_follow_the_design_definitions() -> None:
    assert metrics.ctr(5, 200) == Decimal("2.5")
    assert metrics.cpc(Decimal("10.00"), 4) == Decimal("2.5")
    assert metrics.cpm(Decimal("12.50"), 5000) == Decimal("2.5")
    assert metrics.cpa(Decimal("90"), Decimal("3")) == Decimal("30")
    assert metrics.roas(Decimal("250"), Decimal("100")) == Decimal("2.5")
    assert metrics.frequency(3000, 1200) == Decimal("2.5")


@pytest.mark.parametrize(
    "formula, args",
    [
        (metrics.ctr, (5, 0)),
        (metrics.cpc, (Decimal("1"), 0)),
        (metrics.cpm, (Decimal("1"), 0)),
        (metrics.cpa, (Decimal("1"), Decimal("0"))),
        (metrics.roas, (Decimal("1"), Decimal("0.00"))),
        (metrics.frequency, (10, 0)),
        (metrics.frequency, (10, None)),
        (metrics.ctr, (None, 10)),
    ],
)
def test_zero_or_missing_denominator_is_no_value(formula, args) -> None:
    assert formula(*args) is None


def test_floats_are_refused_so_money_stays_exact() -> None:
    with pytest.raises(TypeError):
        metrics.cpc(0.1, 3)  # type: ignore[arg-type]


def test_period_ratios_come_from_summed_parts_not_averaged_daily_ratios() -> None:
    days = [
        {"impressions": 100, "clicks": 10, "spend": Decimal("5.00")},  # CTR 10%
        {"impressions": 900, "clicks": 9, "spend": Decimal("45.00")},  # CTR 1%
    ]
    totals = Totals.from_rows(days)
    assert totals.ctr == Decimal("1.9")  # 19 / 1000, not (10 + 1) / 2
    assert totals.cpc == Decimal("50") / Decimal("19")
    assert totals.cpm == Decimal("50")


def test_totals_use_the_period_reach_and_exact_decimals() -> None:
    rows = [{"spend": Decimal("0.10"), "impressions": 1}] * 3
    totals = Totals.from_rows(rows, reach=2)
    assert totals.spend == Decimal("0.30")
    assert totals.frequency == Decimal("1.5")
    assert Totals.from_rows(rows).frequency is None  # no period reach: no frequency, never a sum
    assert totals.as_dict()["cpa"] is None


def test_change_gives_absolute_and_percent() -> None:
    assert metrics.change(Decimal("150"), Decimal("100")) == (Decimal("50"), Decimal("50"))
    assert metrics.change(5, 0) == (Decimal("5"), None)
    assert metrics.change(None, 3) == (None, None)
    assert metrics.HIGHER_IS_BETTER["cpa"] is False and metrics.HIGHER_IS_BETTER["roas"] is True
