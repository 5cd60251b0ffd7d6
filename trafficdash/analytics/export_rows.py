"""Every matching campaign / ad set / ad as a stream of rows, for exports of any size.

``service.entities`` answers one page (at most MAX_PAGE_SIZE rows) and runs a few queries per
page, which is right for a table on screen and wrong for a 100,000-ad workbook. Here one
set-based statement answers the whole table: the entities' columns (no ORM objects), the
period's sums, the comparison period's sums and Meta's period reach, joined and ordered in SQL
by the same builders as ``entities.entity_page``, streamed with a server-side cursor in batches.
Each row's metrics are then computed by the catalogue (``entities.entity_row``), so every number
equals the dashboard's and memory stays bounded by ``batch_size`` whatever the range.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trafficdash.analytics.entities import (
    MODELS,
    _base,
    _check_table_args,
    _creative,
    _scoped_accounts,
    _sort_expression,
    _sums_by_entity,
    entity_row,
)
from trafficdash.analytics.metrics import Totals
from trafficdash.analytics.queries import ADDITIVE
from trafficdash.analytics.schemas import Creative, EntityRow, Filters
from trafficdash.analytics.service import _visible_for
from trafficdash.models import PeriodReach

DEFAULT_BATCH_SIZE = 1000
PREVIOUS = "prev_"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ExportRow:
    """An EntityRow's fields for a file, without its validation: a 100,000-row export builds no
    pydantic models. ``metrics``/``previous`` carry every catalogued metric as attributes,
    computed by the same catalogue formulas from the same sums."""

    level: str
    id: int
    name: str
    account_id: int
    campaign_id: int | None
    ad_set_id: int | None
    status: str
    effective_status: str
    objective: str | None
    currency: str
    daily_budget: Decimal | None
    lifetime_budget: Decimal | None
    creative: Creative | None
    metrics: SimpleNamespace
    previous: SimpleNamespace | None


def _entity_columns(level: str) -> list[Any]:
    """What a row needs of the entity itself (entities.entity_row reads these names)."""
    model = MODELS[level]
    cols = [model.id, model.name, model.ad_account_id, model.status, model.effective_status]
    if level != "campaign":
        cols.append(model.campaign_id)
    if level == "ad":
        cols += [model.ad_set_id, model.creative]
    else:
        cols += [model.daily_budget, model.lifetime_budget]
    return cols


def export_statement(level: str, filters: Filters, account_ids: Sequence[int], sort: str, order: str) -> Any:
    """One statement for the whole table: entity, sums, comparison sums (``prev_*``) and reach."""
    model = MODELS[level]
    m = _sums_by_entity(level, account_ids, filters.since, filters.until, filters)
    stmt = _base(level, filters, account_ids, m, None, _entity_columns(level))
    compare = filters.comparison_range()
    if compare is not None:
        p = _sums_by_entity(level, account_ids, compare[0], compare[1], filters)
        # No comparison row = nothing delivered then: zero sums (the same Metrics as the table's).
        stmt = stmt.add_columns(*[func.coalesce(p.c[n], 0).label(PREVIOUS + n) for n in ADDITIVE])
        stmt = stmt.outerjoin(p, p.c.entity_id == model.id)
    reach = (
        select(PeriodReach.entity_id, PeriodReach.reach)
        .where(
            PeriodReach.level == level,
            PeriodReach.date_start == filters.since,
            PeriodReach.date_stop == filters.until,
        )
        .subquery()
    )
    stmt = stmt.add_columns(reach.c.reach.label("period_reach")).outerjoin(
        reach, reach.c.entity_id == model.id
    )
    key = _sort_expression(sort, model, m)
    ordered = key.asc().nulls_last() if order == "asc" else key.desc().nulls_last()
    return stmt.order_by(ordered, model.id)


def _reach(r: Any) -> int | None:
    # Meta's reach of the period; nothing delivered reaches nobody.
    return 0 if r.impressions == 0 else r.period_reach


def _previous_sums(r: Any) -> dict[str, Any]:
    return {n: r._mapping[PREVIOUS + n] for n in ADDITIVE}


def _entity_row(level: str, r: Any, compare: bool) -> EntityRow:
    return entity_row(level, r, _reach(r), _previous_sums(r) if compare else None, compare, entity=r)


def _export_row(level: str, r: Any, compare: bool) -> ExportRow:
    metrics = Totals.from_rows([r._mapping], reach=_reach(r)).computed()
    previous = Totals.from_rows([_previous_sums(r)]).computed() if compare else None
    return ExportRow(
        level=level,
        id=r.id,
        name=r.name,
        account_id=r.ad_account_id,
        campaign_id=r.id if level == "campaign" else r.campaign_id,
        ad_set_id=r.ad_set_id if level == "ad" else (r.id if level == "adset" else None),
        status=r.status,
        effective_status=r.effective_status,
        objective=r.campaign_objective,
        currency=r.currency,
        daily_budget=None if level == "ad" else r.daily_budget,
        lifetime_budget=None if level == "ad" else r.lifetime_budget,
        creative=_creative(r.creative) if level == "ad" else None,
        metrics=SimpleNamespace(**metrics),
        previous=None if previous is None else SimpleNamespace(**previous),
    )


def _batches(
    session: Session,
    user_id: int,
    filters: Filters,
    level: str,
    sort: str,
    order: str,
    batch_size: int,
    build: Callable[[str, Any, bool], T],
) -> Iterator[list[T]]:
    _check_table_args(level, sort, order, 1, 1)
    visible = _visible_for(session, user_id, filters)
    account_ids = _scoped_accounts(visible, filters, session)
    if not account_ids:
        return
    compare = filters.comparison_range() is not None
    stmt = export_statement(level, filters, account_ids, sort, order)
    result = session.execute(stmt, execution_options={"yield_per": batch_size})
    for partition in result.partitions(batch_size):
        yield [build(level, r, compare) for r in partition]


def iter_entities(
    session: Session,
    user_id: int,
    filters: Filters,
    level: str,
    *,
    sort: str = "spend",
    order: str = "desc",
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[list[EntityRow]]:
    """Batches of EntityRow in the table's order; the same rows ``service.entities`` pages through.

    Foreign account / campaign / ad set ids raise AccountNotFound / EntityNotFound before the
    first batch, exactly like the service.
    """
    return _batches(session, user_id, filters, level, sort, order, batch_size, _entity_row)


def iter_export_rows(
    session: Session,
    user_id: int,
    filters: Filters,
    level: str,
    *,
    sort: str = "spend",
    order: str = "desc",
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[list[ExportRow]]:
    """The rows of ``iter_entities`` as ExportRow: the same values, built for speed."""
    return _batches(session, user_id, filters, level, sort, order, batch_size, _export_row)


__all__ = ["DEFAULT_BATCH_SIZE", "ExportRow", "export_statement", "iter_entities", "iter_export_rows"]
