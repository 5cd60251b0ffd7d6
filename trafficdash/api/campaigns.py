"""Campaigns, ad sets and ads with their KPIs; drill down with campaign_id / ad_set_id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from trafficdash.analytics import service
from trafficdash.analytics.entities import MAX_PAGE_SIZE
from trafficdash.analytics.schemas import DailySeries, EntityPage, EntityRow, Level, SortKey, SortOrder
from trafficdash.api.analytics_params import FiltersDep, service_errors
from trafficdash.api.deps import CurrentUser, PathId, SessionDep
from trafficdash.input_types import MAX_INT4

router = APIRouter(prefix="/campaigns", tags=["campaigns"])

NOT_FOUND = {
    404: {"description": "An ad account, campaign, ad set or ad you cannot see (or that does not exist)"}
}


class EntityDetail(BaseModel):
    row: EntityRow
    daily: DailySeries


@router.get(
    "",
    response_model=EntityPage,
    summary="Campaigns (or their ad sets / ads) with KPIs, sorted and paginated",
    responses=NOT_FOUND,
)
def list_entities(
    user: CurrentUser,
    session: SessionDep,
    filters: FiltersDep,
    level: Annotated[Level, Query(description="campaign, adset or ad")] = "campaign",
    sort: SortKey = "spend",
    order: SortOrder = "desc",
    page: Annotated[int, Query(ge=1, le=MAX_INT4)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 25,
) -> EntityPage:
    with service_errors():
        return service.entities(
            session, user.id, filters, level, sort=sort, order=order, page=page, page_size=page_size
        )


@router.get(
    "/{entity_id}",
    response_model=EntityDetail,
    summary="One campaign, ad set or ad with its own daily trend",
    responses=NOT_FOUND,
)
def entity_detail(
    user: CurrentUser,
    session: SessionDep,
    filters: FiltersDep,
    entity_id: PathId,
    level: Annotated[Level, Query(description="campaign, adset or ad")] = "campaign",
) -> EntityDetail:
    with service_errors():
        row, daily = service.entity_detail(session, user.id, level, entity_id, filters)
        return EntityDetail(row=row, daily=daily)
