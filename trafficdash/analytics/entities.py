"""Tables of campaigns, ad sets and ads with their KPIs, and one entity's drill-down.

Sorting and paging happen in SQL, so a table of thousands of ads costs one page of rows.
Campaign sums come from the per-campaign rollup; ad set and ad sums from insights_daily.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.orm import Session

from trafficdash.analytics.errors import EntityNotFound, InvalidFilters
from trafficdash.analytics.metrics import CATALOGUE, Totals, change, is_good_change
from trafficdash.analytics.queries import ADDITIVE, Selection, like_pattern, period_reach_rows
from trafficdash.analytics.schemas import (
    ENTITY_SORTS,
    LEVELS,
    Creative,
    CurrencyTotals,
    DailySeries,
    EntityPage,
    EntityRow,
    Filters,
    MetricChange,
    Metrics,
)
from trafficdash.analytics.series import CurrencyGroup, daily_series
from trafficdash.models import Ad, AdAccount, AdSet, Campaign, CampaignDailyRollup, DailyInsight

MAX_PAGE_SIZE = 200
MODELS: dict[str, Any] = {"campaign": Campaign, "adset": AdSet, "ad": Ad}
# Changes vs the comparison period: every metric computed from sums (reach is per period only).
CHANGE_KEYS = CATALOGUE.summable()


def _metric_source(level: str) -> tuple[Any, Any]:
    """(table, its key column) that sums one entity of the level per day."""
    if level == "campaign":
        return CampaignDailyRollup, CampaignDailyRollup.campaign_id
    if level == "adset":
        return DailyInsight, DailyInsight.ad_set_id
    return DailyInsight, DailyInsight.ad_id


def _sums_by_entity(
    level: str,
    account_ids: Sequence[int],
    since: date,
    until: date,
    filters: Filters,
    only_ids: Sequence[int] | None = None,
) -> Any:
    source, key = _metric_source(level)
    stmt = select(
        key.label("entity_id"), *[func.coalesce(func.sum(getattr(source, n)), 0).label(n) for n in ADDITIVE]
    ).where(source.ad_account_id.in_(list(account_ids)), source.date >= since, source.date <= until)
    # Narrow the scan by the drill-down ids (uses the (campaign_id|ad_set_id, date) indexes).
    if filters.campaign_ids:
        stmt = stmt.where(source.campaign_id.in_(filters.campaign_ids))
    if filters.ad_set_ids and source is DailyInsight:
        stmt = stmt.where(source.ad_set_id.in_(filters.ad_set_ids))
    if only_ids is not None:
        stmt = stmt.where(key.in_(list(only_ids)))
    return stmt.group_by(key).subquery()


def _entity_conditions(level: str, filters: Filters, account_ids: Sequence[int]) -> list[ColumnElement[bool]]:
    """Filters on the listed level: its status and name; objective and drill-down via its campaign."""
    model = MODELS[level]
    conds: list[ColumnElement[bool]] = [model.ad_account_id.in_(list(account_ids))]
    if filters.statuses:
        conds.append(model.effective_status.in_(filters.statuses))
    if filters.search:
        conds.append(model.name.ilike(like_pattern(filters.search), escape="\\"))
    if filters.objectives:
        conds.append(Campaign.objective.in_(filters.objectives))
    if filters.campaign_ids:
        conds.append((Campaign.id if level == "campaign" else model.campaign_id).in_(filters.campaign_ids))
    if filters.ad_set_ids:
        if level == "adset":
            conds.append(AdSet.id.in_(filters.ad_set_ids))
        elif level == "ad":
            conds.append(Ad.ad_set_id.in_(filters.ad_set_ids))
        else:
            conds.append(Campaign.id.in_(select(AdSet.campaign_id).where(AdSet.id.in_(filters.ad_set_ids))))
    return conds


def _sort_expression(sort: str, model: Any, m: Any) -> ColumnElement[Any]:
    """SQL ordering only; the values shown are computed by metrics.Totals from the same sums, and
    a ratio here follows the same catalogue formula (NULL where the denominator is zero)."""
    if sort == "name":
        return func.lower(model.name)

    def value(key: str) -> ColumnElement[Any]:
        formula = CATALOGUE[key].formula
        if formula is None:
            return func.coalesce(m.c[key], 0)
        num, den = value(formula.numerator), value(formula.denominator)
        return num * literal(formula.scale) / func.nullif(den, 0)

    return value(sort)


def _base(
    level: str,
    filters: Filters,
    account_ids: Sequence[int],
    m: Any,
    only_id: int | None,
    entity_columns: Sequence[Any] | None = None,
) -> Select[Any]:
    """The level's entities (the ORM object, or ``entity_columns``), currency, summed parts."""
    model = MODELS[level]
    stmt = select(
        *(entity_columns or [model]),
        AdAccount.currency,
        *[func.coalesce(m.c[n], 0).label(n) for n in ADDITIVE],
    )
    stmt = stmt.join(AdAccount, AdAccount.id == model.ad_account_id).outerjoin(m, m.c.entity_id == model.id)
    if level == "campaign":
        stmt = stmt.add_columns(Campaign.objective.label("campaign_objective"))
    else:
        stmt = stmt.join(Campaign, Campaign.id == model.campaign_id).add_columns(
            Campaign.objective.label("campaign_objective")
        )
    stmt = stmt.where(*_entity_conditions(level, filters, account_ids))
    if only_id is not None:
        stmt = stmt.where(model.id == only_id)
    return stmt


def _creative(raw: dict[str, Any] | None) -> Creative:
    raw = raw or {}
    story = raw.get("object_story_spec") or {}
    link = story.get("link_data") or {}
    video = story.get("video_data") or {}
    return Creative(
        title=raw.get("title") or link.get("name") or video.get("title") or raw.get("name"),
        body=raw.get("body") or link.get("message") or video.get("message"),
        image_url=raw.get("image_url") or link.get("picture") or video.get("image_url"),
        thumbnail_url=raw.get("thumbnail_url") or raw.get("image_url") or link.get("picture"),
    )


def _metrics_of(row: Any, reach: int | None = None) -> Metrics:
    t = Totals.from_rows([getattr(row, "_mapping", row)], reach=reach)
    return Metrics.from_totals(t)


def _changes(current: Metrics, previous: Metrics | None) -> dict[str, MetricChange]:
    if previous is None:
        return {}
    out = {}
    for key in CHANGE_KEYS:
        change_abs, change_pct = change(getattr(current, key), getattr(previous, key))
        out[key] = MetricChange(
            change_abs=change_abs, change_pct=change_pct, good=is_good_change(key, change_abs)
        )
    return out


def _reach_for(
    session: Session, level: str, ids: Sequence[int], since: date, until: date, impressions: dict[int, int]
) -> dict[int, int | None]:
    found = period_reach_rows(session, level, ids, [(since, until)])
    return {i: (0 if impressions.get(i, 0) == 0 else found.get((i, since, until))) for i in ids}


def _previous_rows(
    session: Session, level: str, filters: Filters, account_ids: Sequence[int], ids: Sequence[int]
) -> dict[int, Any]:
    compare = filters.comparison_range()
    if compare is None or not ids:
        return {}
    m = _sums_by_entity(level, account_ids, compare[0], compare[1], filters, only_ids=ids)
    return {r.entity_id: r for r in session.execute(select(m))}


def entity_row(
    level: str, r: Any, reach: int | None, prev_row: Any | None, compare: bool, entity: Any = None
) -> EntityRow:
    """One table row from its SQL row (the entity, its currency and summed parts); the metrics
    are computed by the catalogue from those sums. ``entity`` defaults to the row's first column."""
    e = r[0] if entity is None else entity
    metrics = _metrics_of(r, reach)
    prev = None
    if compare:
        prev = _metrics_of(prev_row) if prev_row is not None else Metrics()
    return EntityRow(
        level=level,
        id=e.id,
        name=e.name,
        account_id=e.ad_account_id,
        currency=r.currency,
        campaign_id=e.id if level == "campaign" else e.campaign_id,
        ad_set_id=e.ad_set_id if level == "ad" else (e.id if level == "adset" else None),
        status=e.status,
        effective_status=e.effective_status,
        objective=r.campaign_objective,
        daily_budget=getattr(e, "daily_budget", None),
        lifetime_budget=getattr(e, "lifetime_budget", None),
        creative=_creative(e.creative) if level == "ad" else None,
        metrics=metrics,
        previous=prev,
        changes=_changes(metrics, prev),
    )


def _rows(
    session: Session, level: str, filters: Filters, account_ids: Sequence[int], page_rows: Sequence[Any]
) -> list[EntityRow]:
    ids = [r[0].id for r in page_rows]
    reach = _reach_for(
        session, level, ids, filters.since, filters.until, {r[0].id: r.impressions for r in page_rows}
    )
    previous = _previous_rows(session, level, filters, account_ids, ids)
    compare = filters.comparison_range() is not None
    return [entity_row(level, r, reach.get(r[0].id), previous.get(r[0].id), compare) for r in page_rows]


def _check_table_args(level: str, sort: str, order: str, page: int, page_size: int) -> None:
    if level not in LEVELS:
        raise InvalidFilters(f"Unknown level {level!r}; use one of: {', '.join(LEVELS)}.")
    if sort not in ENTITY_SORTS:
        raise InvalidFilters(f"Cannot sort by {sort!r}; use one of: {', '.join(ENTITY_SORTS)}.")
    if order not in ("asc", "desc"):
        raise InvalidFilters("order must be 'asc' or 'desc'.")
    if page < 1:
        raise InvalidFilters("page starts at 1.")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidFilters(f"page_size must be between 1 and {MAX_PAGE_SIZE}.")


def _scoped_accounts(visible: Sequence[int], filters: Filters, session: Session) -> list[int]:
    wanted = filters.account_ids or list(visible)
    if filters.currency and wanted:
        wanted = list(
            session.scalars(
                select(AdAccount.id).where(AdAccount.id.in_(wanted), AdAccount.currency == filters.currency)
            )
        )
    return wanted


def entity_page(
    session: Session,
    visible: Sequence[int],
    filters: Filters,
    level: str,
    *,
    sort: str = "spend",
    order: str = "desc",
    page: int = 1,
    page_size: int = 25,
) -> EntityPage:
    _check_table_args(level, sort, order, page, page_size)
    account_ids = _scoped_accounts(visible, filters, session)
    if not account_ids:
        return EntityPage(
            level=level, rows=[], total=0, page=page, page_size=page_size, sort=sort, order=order, totals=[]
        )
    model = MODELS[level]
    m = _sums_by_entity(level, account_ids, filters.since, filters.until, filters)
    base = _base(level, filters, account_ids, m, None)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    key = _sort_expression(sort, model, m)
    ordered = key.asc().nulls_last() if order == "asc" else key.desc().nulls_last()
    page_rows = session.execute(
        base.order_by(ordered, model.id).limit(page_size).offset((page - 1) * page_size)
    ).all()
    listed = base.subquery()
    totals_rows = session.execute(
        select(listed.c.currency, *[func.coalesce(func.sum(listed.c[n]), 0).label(n) for n in ADDITIVE])
        .group_by(listed.c.currency)
        .order_by(listed.c.currency)
    ).all()
    return EntityPage(
        level=level,
        rows=_rows(session, level, filters, account_ids, page_rows),
        total=total,
        page=page,
        page_size=page_size,
        sort=sort,
        order=order,
        totals=[CurrencyTotals(currency=r.currency, metrics=_metrics_of(r)) for r in totals_rows],
    )


def entity_detail_uncached(
    session: Session, visible: Sequence[int], level: str, entity_id: int, filters: Filters
) -> tuple[EntityRow, DailySeries]:
    if level not in LEVELS:
        raise InvalidFilters(f"Unknown level {level!r}; use one of: {', '.join(LEVELS)}.")
    entity = session.get(MODELS[level], entity_id)
    if entity is None or entity.ad_account_id not in set(visible):
        raise EntityNotFound(level, entity_id)
    account_id = entity.ad_account_id
    # The entity itself, whatever the table filters (status, name) say.
    own = filters.model_copy(
        update={
            "account_ids": [account_id],
            "statuses": None,
            "objectives": None,
            "search": None,
            "campaign_ids": None,
            "ad_set_ids": None,
            "currency": None,
        }
    )
    m = _sums_by_entity(level, [account_id], own.since, own.until, own, only_ids=[entity_id])
    row = session.execute(_base(level, own, [account_id], m, entity_id)).one()
    entity_row = _rows(session, level, own, [account_id], [row])[0]
    if level == "campaign":
        sel = Selection((account_id,), own.model_copy(update={"campaign_ids": [entity_id]}))
    elif level == "adset":
        sel = Selection((account_id,), own.model_copy(update={"ad_set_ids": [entity_id]}))
    else:
        sel = Selection((account_id,), own, ad_ids=(entity_id,))
    series = daily_series(session, sel, [CurrencyGroup(row.currency, (account_id,))], own)[0]
    return entity_row, series
