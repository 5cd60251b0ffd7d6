"""Every matching campaign / ad set / ad as a stream of rows, for exports of any size.

``service.entities`` answers one page (at most MAX_PAGE_SIZE rows) and re-runs its aggregate for
each page, which is right for a table on screen and wrong for a 100,000-ad workbook. This module
reuses the very same query builders and row construction as ``entities.entity_page`` (so every
number equals the dashboard's), but runs the aggregate once and streams its result in batches
with a server-side cursor: memory stays bounded by ``batch_size`` whatever the range.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from trafficdash.analytics.entities import (
    MODELS,
    _base,
    _check_table_args,
    _rows,
    _scoped_accounts,
    _sort_expression,
    _sums_by_entity,
)
from trafficdash.analytics.schemas import EntityRow, Filters
from trafficdash.analytics.service import _visible_for

DEFAULT_BATCH_SIZE = 1000


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
    _check_table_args(level, sort, order, 1, 1)
    visible = _visible_for(session, user_id, filters)
    account_ids = _scoped_accounts(visible, filters, session)
    if not account_ids:
        return
    model = MODELS[level]
    m = _sums_by_entity(level, account_ids, filters.since, filters.until, filters)
    key = _sort_expression(sort, model, m)
    ordered = key.asc().nulls_last() if order == "asc" else key.desc().nulls_last()
    stmt = _base(level, filters, account_ids, m, None).order_by(ordered, model.id)
    result = session.execute(stmt, execution_options={"yield_per": batch_size})
    for partition in result.partitions(batch_size):
        yield _rows(session, level, filters, account_ids, partition)
        # Entities already turned into rows are not needed again: keep the identity map small.
        for row in partition:
            session.expunge(row[0])


__all__ = ["DEFAULT_BATCH_SIZE", "iter_entities"]
