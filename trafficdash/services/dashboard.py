"""What the dashboard pages fetch, in one session per load, from the analytics service only (the
same functions the API answers from). Pages call these through ``ui.io.load`` (a worker thread)."""

from __future__ import annotations

from dataclasses import dataclass

from trafficdash import db
from trafficdash.analytics import service
from trafficdash.analytics.schemas import (
    AccountStatus,
    Breakdown,
    DailySeries,
    EntityPage,
    EntityRow,
    Filters,
    Summary,
)
from trafficdash.sync.runs import first_sync_in_progress

TOP_CAMPAIGNS = 5


def _first(items: list, currency: str | None):
    """The group of the chosen currency (the filters pick exactly one)."""
    for item in items:
        if currency is None or item.currency == currency:
            return item
    return None


def first_sync_percent(account_ids: list[int]) -> int | None:
    """Progress of a first sync still filling these (already access-scoped) accounts, if any."""
    with db.session_scope() as session:
        run = first_sync_in_progress(session, account_ids)
        return run.percent if run is not None else None


def accounts(user_id: int) -> list[AccountStatus]:
    with db.session_scope() as session:
        return service.accounts_overview(session, user_id)


@dataclass(frozen=True)
class OverviewData:
    summary: Summary | None
    daily: DailySeries | None
    placement: Breakdown | None
    device: Breakdown | None
    top_campaigns: EntityPage


def overview(user_id: int, filters: Filters, currency: str | None) -> OverviewData:
    with db.session_scope() as session:
        return OverviewData(
            summary=_first(service.summary(session, user_id, filters).groups, currency),
            daily=_first(service.daily(session, user_id, filters), currency),
            placement=_first(service.breakdown(session, user_id, filters, "placement"), currency),
            device=_first(service.breakdown(session, user_id, filters, "device"), currency),
            top_campaigns=service.entities(session, user_id, filters, "campaign", page_size=TOP_CAMPAIGNS),
        )


def entity_page(
    user_id: int, filters: Filters, level: str, sort: str, order: str, page: int, page_size: int
) -> EntityPage:
    with db.session_scope() as session:
        return service.entities(
            session, user_id, filters, level, sort=sort, order=order, page=page, page_size=page_size
        )


@dataclass(frozen=True)
class DetailData:
    row: EntityRow
    series: DailySeries
    children: EntityPage | None


def detail(
    user_id: int,
    level: str,
    entity_id: int,
    filters: Filters,
    sort: str,
    order: str,
    page: int,
    page_size: int,
) -> DetailData:
    """One campaign / ad set / ad and, below it, its ad sets / ads."""
    with db.session_scope() as session:
        row, series = service.entity_detail(session, user_id, level, entity_id, filters)
        children = None
        scoped = filters.model_copy(update={"account_ids": [row.account_id], "currency": None})
        if level == "campaign":
            scoped = scoped.model_copy(update={"campaign_ids": [entity_id]})
            children = service.entities(
                session, user_id, scoped, "adset", sort=sort, order=order, page=page, page_size=page_size
            )
        elif level == "adset":
            scoped = scoped.model_copy(update={"ad_set_ids": [entity_id]})
            children = service.entities(
                session, user_id, scoped, "ad", sort=sort, order=order, page=page, page_size=page_size
            )
        return DetailData(row=row, series=series, children=children)


@dataclass(frozen=True)
class AudienceData:
    age_gender: Breakdown | None
    country: Breakdown | None


def audience(user_id: int, filters: Filters, currency: str | None) -> AudienceData:
    with db.session_scope() as session:
        return AudienceData(
            age_gender=_first(service.breakdown(session, user_id, filters, "age_gender"), currency),
            country=_first(service.breakdown(session, user_id, filters, "country"), currency),
        )
