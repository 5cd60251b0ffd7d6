"""Currency grouping and daily series, shared by the service and the drill-down."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.analytics.errors import InvalidFilters
from trafficdash.analytics.metrics import CATALOGUE, Totals
from trafficdash.analytics.queries import Selection, period_sums, single_day_reach
from trafficdash.analytics.schemas import DailyPoint, DailySeries, Filters
from trafficdash.models import AdAccount


@dataclass(frozen=True)
class CurrencyGroup:
    currency: str
    account_ids: tuple[int, ...]


def currency_groups(
    session: Session, visible: Sequence[int], filters: Filters, currencies: Mapping[int, str] | None = None
) -> list[CurrencyGroup]:
    """The requested accounts (or all visible ones) grouped per currency, in currency order.

    ``currencies`` (account id -> currency) saves the query when the caller already has them.
    """
    wanted = filters.account_ids or list(visible)
    if not wanted:
        return []
    if currencies is None:
        rows = session.execute(select(AdAccount.id, AdAccount.currency).where(AdAccount.id.in_(wanted))).all()
        currencies = {account_id: currency for account_id, currency in rows}
    by_currency: dict[str, list[int]] = defaultdict(list)
    for account_id in sorted(wanted):
        currency = currencies.get(account_id)
        if currency is not None and (filters.currency is None or currency == filters.currency):
            by_currency[currency].append(account_id)
    if filters.currency and not by_currency:
        raise InvalidFilters(f"None of the selected ad accounts uses the currency {filters.currency}.")
    return [CurrencyGroup(c, tuple(ids)) for c, ids in sorted(by_currency.items())]


def ranges_of(filters: Filters) -> list[tuple[date, date]]:
    """[current range] or [current, comparison]."""
    compare = filters.comparison_range()
    return [(filters.since, filters.until)] + ([compare] if compare else [])


def totals_of(rows: Iterable[Any], reach: int | None = None, estimate: bool = False) -> Totals:
    return Totals.from_rows((r._mapping for r in rows), reach=reach, reach_is_estimate=estimate)


def daily_point(day: date, rows: Iterable[Any], reach: int | None = None) -> DailyPoint:
    # The day's own reach (never a sum of rows), and every metric the day's sums give.
    return DailyPoint(date=day, **totals_of(rows, reach).values(CATALOGUE.daily()))


def _points(rows: Sequence[Any], since: date, until: date, reach: dict[date, int]) -> list[DailyPoint]:
    by_day: dict[date, list[Any]] = defaultdict(list)
    for r in rows:
        by_day[r.date].append(r)
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    return [daily_point(d, by_day.get(d, ()), reach.get(d)) for d in days]


def daily_series(
    session: Session, sel: Selection, groups: Sequence[CurrencyGroup], filters: Filters
) -> list[DailySeries]:
    """Per currency group: every day of the range (zeros where nothing ran) and of the comparison."""
    ranges = ranges_of(filters)
    rows = period_sums(session, sel, ranges, ["ad_account_id", "date"])
    # A day's own reach exists only for one whole account (Meta's, when synced for that day).
    whole_account = not sel.needs_ad_rows and not sel.filters_campaigns
    out = []
    for g in groups:
        members = set(g.account_ids)
        series: list[list[DailyPoint]] = []
        for p, (s, u) in enumerate(ranges):
            one_account = whole_account and len(g.account_ids) == 1
            reach = single_day_reach(session, g.account_ids[0], s, u) if one_account else {}
            mine = [r for r in rows if r.period == p and r.ad_account_id in members]
            series.append(_points(mine, s, u, reach))
        out.append(
            DailySeries(
                currency=g.currency,
                account_ids=list(g.account_ids),
                points=series[0],
                compare_points=series[1] if len(series) > 1 else [],
            )
        )
    return out
