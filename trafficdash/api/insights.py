"""Insights: KPI summary, daily series and breakdowns (one group per currency)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from trafficdash.analytics import service
from trafficdash.analytics.schemas import Breakdown, DailySeries, Dimension, SummaryResponse
from trafficdash.api.analytics_params import FiltersDep, service_errors
from trafficdash.api.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/insights", tags=["insights"])

NOT_FOUND = {
    404: {"description": "An ad account, campaign or ad set you cannot see (or that does not exist)"}
}


class DailyResponse(BaseModel):
    groups: list[DailySeries]


class BreakdownResponse(BaseModel):
    groups: list[Breakdown]


@router.get(
    "/summary",
    response_model=SummaryResponse,
    summary="KPIs of a range with their change vs the comparison period",
    responses=NOT_FOUND,
)
def insights_summary(user: CurrentUser, session: SessionDep, filters: FiltersDep) -> SummaryResponse:
    with service_errors():
        return service.summary(session, user.id, filters)


@router.get(
    "/daily",
    response_model=DailyResponse,
    summary="One point per day, with the comparison period",
    responses=NOT_FOUND,
)
def insights_daily(user: CurrentUser, session: SessionDep, filters: FiltersDep) -> DailyResponse:
    with service_errors():
        return DailyResponse(groups=service.daily(session, user.id, filters))


@router.get(
    "/breakdown",
    response_model=BreakdownResponse,
    summary="Split by placement, device, age x gender or country",
    responses=NOT_FOUND,
)
def insights_breakdown(
    user: CurrentUser, session: SessionDep, filters: FiltersDep, dimension: Dimension
) -> BreakdownResponse:
    with service_errors():
        return BreakdownResponse(groups=service.breakdown(session, user.id, filters, dimension))
