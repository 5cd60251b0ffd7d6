"""SQL behind the analytics service: which table answers a question, and the sums it runs.

Totals without campaign filters read the per-account rollup (a few rows per day whatever the
number of ads); campaign filters read the per-campaign rollup joined to campaigns; ad set and
ad drill-downs read ``insights_daily`` through its (ad_set_id, date) index. Only additive
metrics are summed here; ratios are computed afterwards by metrics.Totals from these sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from trafficdash.analytics.schemas import Filters
from trafficdash.models import (
    AccountBreakdownRollup,
    AccountDailyRollup,
    BreakdownInsight,
    Campaign,
    CampaignBreakdownRollup,
    CampaignDailyRollup,
    DailyInsight,
    PeriodReach,
)

ADDITIVE = ("impressions", "clicks", "link_clicks", "spend", "conversions", "conversion_value")


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def campaign_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """Conditions on ``Campaign`` from the filters (status, objective, name, drill-down ids)."""
    conds: list[ColumnElement[bool]] = []
    if filters.statuses:
        conds.append(Campaign.effective_status.in_(filters.statuses))
    if filters.objectives:
        conds.append(Campaign.objective.in_(filters.objectives))
    if filters.search:
        conds.append(Campaign.name.ilike(like_pattern(filters.search), escape="\\"))
    if filters.campaign_ids:
        conds.append(Campaign.id.in_(filters.campaign_ids))
    return conds


@dataclass(frozen=True)
class Selection:
    """What to sum: accounts plus the filters' campaign / ad set / ad restrictions."""

    account_ids: tuple[int, ...]
    filters: Filters
    ad_ids: tuple[int, ...] = ()

    @property
    def needs_ad_rows(self) -> bool:
        return bool(self.filters.ad_set_ids or self.ad_ids)

    @property
    def campaign_conds(self) -> list[ColumnElement[bool]]:
        return campaign_conditions(self.filters)


def _sums(source: Any) -> list[Any]:
    return [func.coalesce(func.sum(getattr(source, n)), 0).label(n) for n in ADDITIVE]


def _daily_source(sel: Selection) -> tuple[Any, list[ColumnElement[bool]], bool]:
    """(table, extra conditions, join campaigns?) that answer daily totals for the selection."""
    conds = sel.campaign_conds
    if sel.needs_ad_rows:
        extra: list[ColumnElement[bool]] = []
        if sel.filters.ad_set_ids:
            extra.append(DailyInsight.ad_set_id.in_(sel.filters.ad_set_ids))
        if sel.ad_ids:
            extra.append(DailyInsight.ad_id.in_(sel.ad_ids))
        return DailyInsight, extra, bool(conds)
    if conds:
        return CampaignDailyRollup, [], True
    return AccountDailyRollup, [], False


def _period_select(sel: Selection, since: date, until: date, keys: Sequence[str], period: int) -> Select[Any]:
    source, extra, join_campaigns = _daily_source(sel)
    key_cols = [getattr(source, k) for k in keys]
    stmt = select(literal(period).label("period"), *key_cols, *_sums(source))
    if join_campaigns:
        stmt = stmt.join(Campaign, Campaign.id == source.campaign_id).where(*sel.campaign_conds)
    return stmt.where(
        source.ad_account_id.in_(sel.account_ids), source.date >= since, source.date <= until, *extra
    ).group_by(*key_cols)


def period_sums(
    session: Session, sel: Selection, ranges: Sequence[tuple[date, date]], keys: Sequence[str]
) -> list[Any]:
    """Sums grouped by ``keys`` for each range, in one round trip; rows carry ``period`` (index)."""
    if not sel.account_ids or not ranges:
        return []
    parts = [_period_select(sel, s, u, keys, i) for i, (s, u) in enumerate(ranges)]
    stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    return list(session.execute(stmt))


def _breakdown_source(sel: Selection) -> tuple[Any, list[ColumnElement[bool]], bool]:
    conds = sel.campaign_conds
    if sel.needs_ad_rows:
        extra: list[ColumnElement[bool]] = []
        if sel.filters.ad_set_ids:
            extra.append(BreakdownInsight.ad_set_id.in_(sel.filters.ad_set_ids))
        if sel.ad_ids:
            extra.append(BreakdownInsight.ad_id.in_(sel.ad_ids))
        return BreakdownInsight, extra, bool(conds)
    if conds:
        return CampaignBreakdownRollup, [], True
    return AccountBreakdownRollup, [], False


def breakdown_sums(session: Session, sel: Selection, dimension: str, since: date, until: date) -> list[Any]:
    """Sums per (account, value_1, value_2) of one breakdown over the range."""
    if not sel.account_ids:
        return []
    source, extra, join_campaigns = _breakdown_source(sel)
    keys = [source.ad_account_id, source.value_1, source.value_2]
    stmt = select(*keys, *_sums(source))
    if join_campaigns:
        stmt = stmt.join(Campaign, Campaign.id == source.campaign_id).where(*sel.campaign_conds)
    stmt = stmt.where(
        source.ad_account_id.in_(sel.account_ids),
        source.breakdown == dimension,
        source.date >= since,
        source.date <= until,
        *extra,
    ).group_by(*keys)
    return list(session.execute(stmt))


def period_reach_rows(
    session: Session, level: str, entity_ids: Sequence[int], ranges: Sequence[tuple[date, date]]
) -> dict[tuple[int, date, date], int]:
    """Meta's reach of whole ranges, keyed by (entity id, date_start, date_stop)."""
    if not entity_ids or not ranges:
        return {}
    stmt = select(
        PeriodReach.entity_id, PeriodReach.date_start, PeriodReach.date_stop, PeriodReach.reach
    ).where(
        PeriodReach.level == level,
        PeriodReach.entity_id.in_(list(entity_ids)),
        or_(*[and_(PeriodReach.date_start == s, PeriodReach.date_stop == u) for s, u in ranges]),
    )
    return {(e, s, u): int(r) for e, s, u, r in session.execute(stmt)}


def single_day_reach(session: Session, account_id: int, since: date, until: date) -> dict[date, int]:
    """Account reach of single days, where Meta gave one (PeriodReach with start == stop)."""
    stmt = select(PeriodReach.date_start, PeriodReach.reach).where(
        PeriodReach.level == "account",
        PeriodReach.entity_id == account_id,
        PeriodReach.date_start == PeriodReach.date_stop,
        PeriodReach.date_start >= since,
        PeriodReach.date_start <= until,
    )
    return {d: int(r) for d, r in session.execute(stmt)}


def delivering_campaigns(
    session: Session, sel: Selection, ranges: Sequence[tuple[date, date]]
) -> list[tuple[int, int, int]]:
    """(period index, account id, campaign id) of matching campaigns with impressions in each range."""
    if not sel.account_ids or not ranges:
        return []
    parts = []
    for i, (s, u) in enumerate(ranges):
        parts.append(
            select(
                literal(i).label("period"), CampaignDailyRollup.ad_account_id, CampaignDailyRollup.campaign_id
            )
            .join(Campaign, Campaign.id == CampaignDailyRollup.campaign_id)
            .where(
                CampaignDailyRollup.ad_account_id.in_(sel.account_ids),
                CampaignDailyRollup.date >= s,
                CampaignDailyRollup.date <= u,
                *sel.campaign_conds,
            )
            .group_by(CampaignDailyRollup.ad_account_id, CampaignDailyRollup.campaign_id)
            .having(func.sum(CampaignDailyRollup.impressions) > 0)
        )
    stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    return [(int(p), int(a), int(c)) for p, a, c in session.execute(stmt)]


__all__ = [
    "ADDITIVE",
    "Selection",
    "breakdown_sums",
    "campaign_conditions",
    "delivering_campaigns",
    "like_pattern",
    "period_reach_rows",
    "period_sums",
    "single_day_reach",
]
