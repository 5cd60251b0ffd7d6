"""The analytics service: every number the pages, the API, reports and alerts show.

Each function takes the caller's session and the user id, checks the requested accounts
against what the user may see (trafficdash.auth.access; foreign ids raise AccountNotFound),
then answers from the Redis cache or from SQL on the rollups. Accounts in different
currencies are never summed: answers come as one group per currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.analytics import cache
from trafficdash.analytics.entities import entity_detail_uncached, entity_page
from trafficdash.analytics.errors import AccountNotFound, EntityNotFound, InvalidFilters
from trafficdash.analytics.labels import breakdown_label
from trafficdash.analytics.metrics import CATALOGUE, Totals, ratio
from trafficdash.analytics.queries import (
    Selection,
    breakdown_sums,
    delivering_campaigns,
    period_reach_rows,
    period_sums,
)
from trafficdash.analytics.schemas import (
    DIMENSIONS,
    KPI_KEYS,
    AccountStatus,
    Breakdown,
    BreakdownRow,
    DailySeries,
    EntityPage,
    EntityRow,
    Filters,
    KpiValue,
    Summary,
    SummaryResponse,
)
from trafficdash.analytics.series import CurrencyGroup, currency_groups, daily_series, ranges_of, totals_of
from trafficdash.auth.access import visible_account_ids, visible_accounts
from trafficdash.db import as_utc, utcnow
from trafficdash.models import AdAccount, AdAccountAccess, AdSet, Campaign, User
from trafficdash.sync.runs import latest_run_per_account
from trafficdash.zones import zone_or_utc

HUNDRED = Decimal(100)


# ---- scope ------------------------------------------------------------------------------------


def _check_visible(visible: Sequence[int], requested: Iterable[int]) -> None:
    allowed = set(visible)
    for account_id in requested:
        if account_id not in allowed:
            raise AccountNotFound(account_id)


def _check_drill_down(session: Session, visible: Sequence[int], filters: Filters) -> None:
    """Drill-down ids of campaigns / ad sets the user cannot see answer 404, like foreign accounts."""
    for level, model, wanted in (
        ("campaign", Campaign, filters.campaign_ids),
        ("adset", AdSet, filters.ad_set_ids),
    ):
        if not wanted:
            continue
        found = set(
            session.scalars(select(model.id).where(model.id.in_(wanted), model.ad_account_id.in_(visible)))
        )
        for entity_id in wanted:
            if entity_id not in found:
                raise EntityNotFound(level, entity_id)


def _scope_for(session: Session, user_id: int, filters: Filters) -> tuple[list[int], dict[int, str]]:
    """The user's visible account ids and their currencies (one query), after checking that
    every requested id is among them."""
    rows = session.execute(
        select(AdAccountAccess.ad_account_id, AdAccount.currency)
        .join(AdAccount, AdAccount.id == AdAccountAccess.ad_account_id)
        .where(AdAccountAccess.user_id == user_id)
        .order_by(AdAccountAccess.ad_account_id)
    ).all()
    currencies = {account_id: currency for account_id, currency in rows}
    visible = list(currencies)
    _check_visible(visible, filters.account_ids)
    _check_drill_down(session, visible, filters)
    return visible, currencies


def _visible_for(session: Session, user_id: int, filters: Filters) -> list[int]:
    """The user's visible account ids, after checking that every requested id is among them."""
    return _scope_for(session, user_id, filters)[0]


def account_today(session: Session, user_id: int, account_ids: Sequence[int] = ()) -> date:
    """Today in the time zone of the first requested account (else the user's first account).

    Insight dates are account-local, so "yesterday" in Sao Paulo is not yesterday in Tokyo.
    """
    ids = list(account_ids) or visible_account_ids(session, user_id)[:1]
    tz_name = session.scalar(select(AdAccount.timezone_name).where(AdAccount.id == ids[0])) if ids else None
    return utcnow().astimezone(zone_or_utc(tz_name)).date()


# ---- reach ------------------------------------------------------------------------------------


def _combine_reach(entity_ids: set[int], found: dict[int, int]) -> tuple[int | None, bool]:
    """Reach of several entities over one range: exact for one, a labelled estimate for more."""
    if not entity_ids:
        return 0, False  # nothing delivered: nobody was reached
    if any(e not in found for e in entity_ids):
        return None, False
    if len(entity_ids) == 1:
        return found[next(iter(entity_ids))], False
    # People reached by two accounts (or campaigns) count twice: an upper-bound estimate.
    return sum(found[e] for e in entity_ids), True


def _group_reach(
    session: Session,
    sel: Selection,
    groups: Sequence[CurrencyGroup],
    ranges: Sequence[tuple[date, date]],
    sums: Sequence[Any],
) -> dict[tuple[str, int], tuple[int | None, bool]]:
    """(currency, period index) -> (reach, is_estimate), from Meta's period reach only."""
    out: dict[tuple[str, int], tuple[int | None, bool]] = {}
    if sel.needs_ad_rows:
        # Meta's period reach is synced per account and per campaign, not per ad set or ad.
        return {(g.currency, p): (None, False) for g in groups for p in range(len(ranges))}
    currency_of = {a: g.currency for g in groups for a in g.account_ids}
    delivering: dict[tuple[str, int], set[int]] = defaultdict(set)
    if sel.filters_campaigns:
        level = "campaign"
        for period, account_id, campaign_id in delivering_campaigns(session, sel, ranges):
            delivering[(currency_of[account_id], period)].add(campaign_id)
    else:
        level = "account"
        for row in sums:
            if row.impressions > 0:
                delivering[(currency_of[row.ad_account_id], row.period)].add(row.ad_account_id)
    all_ids = sorted({e for ids in delivering.values() for e in ids})
    found = period_reach_rows(session, level, all_ids, ranges)
    for g in groups:
        for p, (s, u) in enumerate(ranges):
            ids = delivering.get((g.currency, p), set())
            out[(g.currency, p)] = _combine_reach(
                ids, {e: r for (e, fs, fu), r in found.items() if (fs, fu) == (s, u)}
            )
    return out


# ---- summary ----------------------------------------------------------------------------------


def _kpis(current: Totals, previous: Totals | None) -> dict[str, KpiValue]:
    cur, prev = current.as_dict(), previous.as_dict() if previous else {}
    return {k: KpiValue.build(k, cur[k], prev.get(k)) for k in KPI_KEYS}


def _summary(
    session: Session, visible: Sequence[int], filters: Filters, currencies: dict[int, str] | None = None
) -> SummaryResponse:
    groups = currency_groups(session, visible, filters, currencies)
    ids = tuple(a for g in groups for a in g.account_ids)
    sel = Selection(ids, filters)
    ranges = ranges_of(filters)
    sums = period_sums(session, sel, ranges, ["ad_account_id"])
    reach = _group_reach(session, sel, groups, ranges, sums)
    compare = filters.comparison_range()
    out = []
    for g in groups:
        members = set(g.account_ids)
        per_period = [
            totals_of(
                (r for r in sums if r.period == p and r.ad_account_id in members), *reach[(g.currency, p)]
            )
            for p in range(len(ranges))
        ]
        current = per_period[0]
        previous = per_period[1] if compare else None
        out.append(
            Summary(
                currency=g.currency,
                account_ids=list(g.account_ids),
                since=filters.since,
                until=filters.until,
                compare_since=compare[0] if compare else None,
                compare_until=compare[1] if compare else None,
                kpis=_kpis(current, previous),
                reach_is_estimate=current.reach_is_estimate,
            )
        )
    return SummaryResponse(groups=out)


def summary_question(session: Session, user_id: int, filters: Filters) -> cache.Question:
    """KPIs of the range (and the comparison range) per currency; ``.json()`` for the API."""
    visible, currencies = _scope_for(session, user_id, filters)
    return cache.Question(
        "summary", visible, filters, SummaryResponse, lambda: _summary(session, visible, filters, currencies)
    )


def summary(session: Session, user_id: int, filters: Filters) -> SummaryResponse:
    """KPIs of the range (and the comparison range) per currency."""
    return summary_question(session, user_id, filters).answer()


# ---- daily ------------------------------------------------------------------------------------


def _daily(
    session: Session, visible: Sequence[int], filters: Filters, currencies: dict[int, str] | None = None
) -> list[DailySeries]:
    groups = currency_groups(session, visible, filters, currencies)
    sel = Selection(tuple(a for g in groups for a in g.account_ids), filters)
    return daily_series(session, sel, groups, filters)


def daily_question(session: Session, user_id: int, filters: Filters) -> cache.Question:
    """One point per day of the range (and of the comparison range), per currency."""
    visible, currencies = _scope_for(session, user_id, filters)
    return cache.Question(
        "daily", visible, filters, list[DailySeries], lambda: _daily(session, visible, filters, currencies)
    )


def daily(session: Session, user_id: int, filters: Filters) -> list[DailySeries]:
    """One point per day of the range (and of the comparison range), per currency."""
    return daily_question(session, user_id, filters).answer()


# ---- breakdowns -------------------------------------------------------------------------------


def _breakdown(
    session: Session,
    visible: Sequence[int],
    filters: Filters,
    dimension: str,
    currencies: dict[int, str] | None = None,
) -> list[Breakdown]:
    groups = currency_groups(session, visible, filters, currencies)
    sel = Selection(tuple(a for g in groups for a in g.account_ids), filters)
    rows = breakdown_sums(session, sel, dimension, filters.since, filters.until)
    out = []
    for g in groups:
        members = set(g.account_ids)
        cells: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for r in rows:
            if r.ad_account_id in members:
                cells[(r.value_1, r.value_2)].append(r)
        totals = {key: totals_of(rs) for key, rs in cells.items()}
        total_spend = sum((t.spend for t in totals.values()), Decimal(0))
        result = [
            BreakdownRow(
                dimension=dimension,
                value_1=v1,
                value_2=v2,
                label=breakdown_label(dimension, v1, v2),
                **t.values(CATALOGUE.summable()),
                share_of_spend=ratio(t.spend, total_spend, HUNDRED),
            )
            for (v1, v2), t in totals.items()
        ]
        result.sort(key=lambda row: (-row.spend, -row.impressions, row.label))
        out.append(
            Breakdown(dimension=dimension, currency=g.currency, account_ids=list(g.account_ids), rows=result)
        )
    return out


def breakdown_question(session: Session, user_id: int, filters: Filters, dimension: str) -> cache.Question:
    """Placement, device, age x gender or country split of the range, per currency."""
    if dimension not in DIMENSIONS:
        raise InvalidFilters(
            f"Unknown breakdown dimension {dimension!r}; use one of: {', '.join(DIMENSIONS)}."
        )
    visible, currencies = _scope_for(session, user_id, filters)
    return cache.Question(
        f"breakdown:{dimension}",
        visible,
        filters,
        list[Breakdown],
        lambda: _breakdown(session, visible, filters, dimension, currencies),
    )


def breakdown(session: Session, user_id: int, filters: Filters, dimension: str) -> list[Breakdown]:
    """Placement, device, age x gender or country split of the range, per currency."""
    return breakdown_question(session, user_id, filters, dimension).answer()


# ---- campaigns / ad sets / ads ----------------------------------------------------------------


def entities(
    session: Session,
    user_id: int,
    filters: Filters,
    level: str,
    *,
    sort: str = "spend",
    order: str = "desc",
    page: int = 1,
    page_size: int = 25,
) -> EntityPage:
    """A sortable, paginated table of campaigns, ad sets or ads with their KPIs and changes."""
    visible = _visible_for(session, user_id, filters)
    params = {
        "f": filters.model_dump(mode="json"),
        "level": level,
        "sort": sort,
        "order": order,
        "page": page,
        "size": page_size,
    }
    return cache.cached(
        "entities",
        visible,
        params,
        EntityPage,
        lambda: entity_page(
            session, visible, filters, level, sort=sort, order=order, page=page, page_size=page_size
        ),
    )


def entity_detail(
    session: Session, user_id: int, level: str, entity_id: int, filters: Filters
) -> tuple[EntityRow, DailySeries]:
    """One campaign / ad set / ad with its KPIs and its own daily trend (drill-down pages)."""
    visible = visible_account_ids(session, user_id)
    params = {"f": filters.model_dump(mode="json"), "level": level, "id": entity_id}
    return cache.cached(
        "entity",
        visible,
        params,
        tuple[EntityRow, DailySeries],
        lambda: entity_detail_uncached(session, visible, level, entity_id, filters),
    )


# ---- accounts ---------------------------------------------------------------------------------


def _hours_since(moment: datetime | None, now: datetime) -> float | None:
    if moment is None:
        return None
    return round((now - moment).total_seconds() / 3600, 2)


def accounts_overview(session: Session, user_id: int) -> list[AccountStatus]:
    """The user's ad accounts with currency, time zone, last sync and data freshness (never cached)."""
    accounts = visible_accounts(session, user_id)
    user = session.get(User, user_id)
    runs = latest_run_per_account(session, [a.id for a in accounts])
    now = utcnow()
    out = []
    for a in accounts:
        run = runs.get(a.id)
        out.append(
            AccountStatus(
                id=a.id,
                name=a.name,
                currency=a.currency,
                timezone=a.timezone_name,
                account_status=a.account_status,
                last_synced_at=as_utc(a.last_synced_at),
                freshness_hours=_hours_since(as_utc(a.last_synced_at), now),
                connection_status=user.connection_status if user else "not_connected",
                latest_sync_status=run.status if run else None,
                latest_sync_finished_at=run.finished_at if run else None,
                latest_sync_error=run.error if run else None,
            )
        )
    return out


def available_currencies(session: Session, user_id: int) -> list[str]:
    """Currencies of the user's accounts (pick one to see a single, summable group)."""
    ids = visible_account_ids(session, user_id)
    if not ids:
        return []
    rows = session.scalars(select(AdAccount.currency).where(AdAccount.id.in_(ids)).distinct())
    return sorted(rows)
