"""SQL behind the analytics service: which table answers a question, and the sums it runs.

Totals without campaign filters read the per-account rollup (a few rows per day whatever the
number of ads); campaign filters read the per-campaign rollup joined to campaigns; ad set and
ad drill-downs read ``insights_daily`` through its (ad_set_id, date) index. Only additive
metrics are summed here; ratios are computed afterwards by metrics.Totals from these sums.

Statements are built once per *shape* (which filters are present, how many ranges) and kept;
values travel as bound parameters. Building a union of sums from SQLAlchemy expressions costs
more than PostgreSQL takes to answer it from the rollups, so it is not done per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, bindparam, func, literal, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from trafficdash.analytics.metrics import CATALOGUE
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

# The stored daily sums (the catalogue's additive metrics): columns of insights and rollups alike.
ADDITIVE = CATALOGUE.additive()


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Shape:
    """Which restrictions a selection has: what changes the SQL text (its values do not)."""

    statuses: bool = False
    objectives: bool = False
    search: bool = False
    campaign_ids: bool = False
    ad_set_ids: bool = False
    ad_ids: bool = False

    @property
    def filters_campaigns(self) -> bool:
        return self.statuses or self.objectives or self.search or self.campaign_ids

    @property
    def needs_ad_rows(self) -> bool:
        return self.ad_set_ids or self.ad_ids


def _expanding(name: str) -> Any:
    return bindparam(name, expanding=True)


def campaign_conditions(shape: Shape) -> list[ColumnElement[bool]]:
    """Conditions on ``Campaign`` for the shape's campaign filters (values bound at execution)."""
    conds: list[ColumnElement[bool]] = []
    if shape.statuses:
        conds.append(Campaign.effective_status.in_(_expanding("statuses")))
    if shape.objectives:
        conds.append(Campaign.objective.in_(_expanding("objectives")))
    if shape.search:
        conds.append(Campaign.name.ilike(bindparam("search"), escape="\\"))
    if shape.campaign_ids:
        conds.append(Campaign.id.in_(_expanding("campaign_ids")))
    return conds


@dataclass(frozen=True)
class Selection:
    """What to sum: accounts plus the filters' campaign / ad set / ad restrictions."""

    account_ids: tuple[int, ...]
    filters: Filters
    ad_ids: tuple[int, ...] = ()

    @cached_property
    def shape(self) -> Shape:
        f = self.filters
        return Shape(
            statuses=bool(f.statuses),
            objectives=bool(f.objectives),
            search=bool(f.search),
            campaign_ids=bool(f.campaign_ids),
            ad_set_ids=bool(f.ad_set_ids),
            ad_ids=bool(self.ad_ids),
        )

    @property
    def needs_ad_rows(self) -> bool:
        return self.shape.needs_ad_rows

    @property
    def filters_campaigns(self) -> bool:
        return self.shape.filters_campaigns

    def params(self) -> dict[str, Any]:
        """The bound values of the shape's parameters."""
        f, shape = self.filters, self.shape
        values: dict[str, Any] = {"account_ids": list(self.account_ids)}
        if shape.statuses:
            values["statuses"] = list(f.statuses or ())
        if shape.objectives:
            values["objectives"] = list(f.objectives or ())
        if shape.search:
            values["search"] = like_pattern(f.search or "")
        if shape.campaign_ids:
            values["campaign_ids"] = list(f.campaign_ids or ())
        if shape.ad_set_ids:
            values["ad_set_ids"] = list(f.ad_set_ids or ())
        if shape.ad_ids:
            values["ad_ids"] = list(self.ad_ids)
        return values


def _range_params(ranges: Sequence[tuple[date, date]]) -> dict[str, date]:
    out: dict[str, date] = {}
    for i, (since, until) in enumerate(ranges):
        out[f"since_{i}"] = since
        out[f"until_{i}"] = until
    return out


def _in_range(column: Any, i: int) -> list[ColumnElement[bool]]:
    return [column >= bindparam(f"since_{i}", type_=Date), column <= bindparam(f"until_{i}", type_=Date)]


def _sums(source: Any) -> list[Any]:
    return [func.coalesce(func.sum(getattr(source, n)), 0).label(n) for n in ADDITIVE]


def _source(
    shape: Shape, ad_rows: Any, campaign_rollup: Any, account_rollup: Any
) -> tuple[Any, list[Any], bool]:
    """(table, extra conditions, join campaigns?) that answer the shape."""
    if shape.needs_ad_rows:
        extra = []
        if shape.ad_set_ids:
            extra.append(ad_rows.ad_set_id.in_(_expanding("ad_set_ids")))
        if shape.ad_ids:
            extra.append(ad_rows.ad_id.in_(_expanding("ad_ids")))
        return ad_rows, extra, shape.filters_campaigns
    if shape.filters_campaigns:
        return campaign_rollup, [], True
    return account_rollup, [], False


@lru_cache(maxsize=256)
def _period_statement(shape: Shape, keys: tuple[str, ...], periods: int) -> Executable:
    source, extra, join_campaigns = _source(shape, DailyInsight, CampaignDailyRollup, AccountDailyRollup)
    key_cols = [getattr(source, k) for k in keys]
    parts = []
    for i in range(periods):
        stmt = select(literal(i).label("period"), *key_cols, *_sums(source))
        if join_campaigns:
            stmt = stmt.join(Campaign, Campaign.id == source.campaign_id).where(*campaign_conditions(shape))
        parts.append(
            stmt.where(
                source.ad_account_id.in_(_expanding("account_ids")), *_in_range(source.date, i), *extra
            ).group_by(*key_cols)
        )
    return parts[0] if len(parts) == 1 else union_all(*parts)


def period_sums(
    session: Session, sel: Selection, ranges: Sequence[tuple[date, date]], keys: Sequence[str]
) -> list[Any]:
    """Sums grouped by ``keys`` for each range, in one round trip; rows carry ``period`` (index)."""
    if not sel.account_ids or not ranges:
        return []
    stmt = _period_statement(sel.shape, tuple(keys), len(ranges))
    return list(session.execute(stmt, sel.params() | _range_params(ranges)))


@lru_cache(maxsize=64)
def _breakdown_statement(shape: Shape) -> Executable:
    source, extra, join_campaigns = _source(
        shape, BreakdownInsight, CampaignBreakdownRollup, AccountBreakdownRollup
    )
    keys = [source.ad_account_id, source.value_1, source.value_2]
    stmt = select(*keys, *_sums(source))
    if join_campaigns:
        stmt = stmt.join(Campaign, Campaign.id == source.campaign_id).where(*campaign_conditions(shape))
    return stmt.where(
        source.ad_account_id.in_(_expanding("account_ids")),
        source.breakdown == bindparam("dimension"),
        *_in_range(source.date, 0),
        *extra,
    ).group_by(*keys)


def breakdown_sums(session: Session, sel: Selection, dimension: str, since: date, until: date) -> list[Any]:
    """Sums per (account, value_1, value_2) of one breakdown over the range."""
    if not sel.account_ids:
        return []
    values = sel.params() | _range_params([(since, until)]) | {"dimension": dimension}
    return list(session.execute(_breakdown_statement(sel.shape), values))


@lru_cache(maxsize=16)
def _period_reach_statement(periods: int) -> Executable:
    return select(
        PeriodReach.entity_id, PeriodReach.date_start, PeriodReach.date_stop, PeriodReach.reach
    ).where(
        PeriodReach.level == bindparam("level"),
        PeriodReach.entity_id.in_(_expanding("entity_ids")),
        or_(
            *[
                and_(
                    PeriodReach.date_start == bindparam(f"since_{i}", type_=Date),
                    PeriodReach.date_stop == bindparam(f"until_{i}", type_=Date),
                )
                for i in range(periods)
            ]
        ),
    )


def period_reach_rows(
    session: Session, level: str, entity_ids: Sequence[int], ranges: Sequence[tuple[date, date]]
) -> dict[tuple[int, date, date], int]:
    """Meta's reach of whole ranges, keyed by (entity id, date_start, date_stop)."""
    if not entity_ids or not ranges:
        return {}
    values = {"level": level, "entity_ids": list(entity_ids)} | _range_params(ranges)
    rows = session.execute(_period_reach_statement(len(ranges)), values)
    return {(e, s, u): int(r) for e, s, u, r in rows}


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


@lru_cache(maxsize=64)
def _delivering_statement(shape: Shape, periods: int) -> Executable:
    rollup = CampaignDailyRollup
    parts = [
        select(literal(i).label("period"), rollup.ad_account_id, rollup.campaign_id)
        .join(Campaign, Campaign.id == rollup.campaign_id)
        .where(
            rollup.ad_account_id.in_(_expanding("account_ids")),
            *_in_range(rollup.date, i),
            *campaign_conditions(shape),
        )
        .group_by(rollup.ad_account_id, rollup.campaign_id)
        .having(func.sum(rollup.impressions) > 0)
        for i in range(periods)
    ]
    return parts[0] if len(parts) == 1 else union_all(*parts)


def delivering_campaigns(
    session: Session, sel: Selection, ranges: Sequence[tuple[date, date]]
) -> list[tuple[int, int, int]]:
    """(period index, account id, campaign id) of matching campaigns with impressions in each range."""
    if not sel.account_ids or not ranges:
        return []
    stmt = _delivering_statement(sel.shape, len(ranges))
    rows = session.execute(stmt, sel.params() | _range_params(ranges))
    return [(int(p), int(a), int(c)) for p, a, c in rows]


__all__ = [
    "ADDITIVE",
    "Selection",
    "Shape",
    "breakdown_sums",
    "campaign_conditions",
    "delivering_campaigns",
    "like_pattern",
    "period_reach_rows",
    "period_sums",
    "single_day_reach",
]
