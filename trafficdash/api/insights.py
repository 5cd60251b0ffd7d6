"""Insights: KPI summary, daily series and breakdowns (one group per currency)."""

from __future__ import annotations

from fastapi import APIRouter, Response
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


def _json(body: bytes) -> Response:
    # The service's JSON (pydantic-serialised, possibly straight from the cache) goes out as is;
    # response_model still documents it in the OpenAPI page.
    return Response(body, media_type="application/json")


@router.get(
    "/summary",
    response_model=SummaryResponse,
    summary="KPIs of a range with their change vs the comparison period",
    responses=NOT_FOUND,
)
def insights_summary(user: CurrentUser, session: SessionDep, filters: FiltersDep) -> Response:
    with service_errors():
        return _json(service.summary_json(session, user.id, filters))


@router.get(
    "/daily",
    response_model=DailyResponse,
    summary="One point per day, with the comparison period",
    responses=NOT_FOUND,
)
def insights_daily(user: CurrentUser, session: SessionDep, filters: FiltersDep) -> Response:
    with service_errors():
        return _json(b'{"groups":' + service.daily_json(session, user.id, filters) + b"}")


@router.get(
    "/breakdown",
    response_model=BreakdownResponse,
    summary="Split by placement, device, age x gender or country",
    responses=NOT_FOUND,
)
def insights_breakdown(
    user: CurrentUser, session: SessionDep, filters: FiltersDep, dimension: Dimension
) -> Response:
    with service_errors():
        return _json(b'{"groups":' + service.breakdown_json(session, user.id, filters, dimension) + b"}")
