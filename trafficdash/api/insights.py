"""Insights: KPI summary, daily series and breakdowns (one group per currency)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from trafficdash import db
from trafficdash.analytics import service
from trafficdash.analytics.cache import Question
from trafficdash.analytics.schemas import Breakdown, DailySeries, Dimension, Filters, SummaryResponse
from trafficdash.api.analytics_params import FilterQuery, FilterQueryDep, resolve_filters, service_errors
from trafficdash.api.deps import authenticate_request_id

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


async def _answer(
    request: Request, query: FilterQuery, question: Callable[[Session, int, Filters], Question]
) -> bytes:
    """The caller, the filters and the service in one worker-thread hop and one session without
    transactions (a cache hit is a few milliseconds; a hop per step, or BEGIN and COMMIT, would be
    a good share of them). A stranger gets the 401 before anything about the query (see
    api.errors)."""

    def work() -> bytes:
        with db.read_scope() as session:
            user_id = authenticate_request_id(request, session)
            filters = resolve_filters(session, user_id, query)
            with service_errors():
                return question(session, user_id, filters).json()

    return await run_in_threadpool(work)


@router.get(
    "/summary",
    response_model=SummaryResponse,
    summary="KPIs of a range with their change vs the comparison period",
    responses=NOT_FOUND,
)
async def insights_summary(request: Request, query: FilterQueryDep) -> Response:
    return _json(await _answer(request, query, service.summary_question))


@router.get(
    "/daily",
    response_model=DailyResponse,
    summary="One point per day, with the comparison period",
    responses=NOT_FOUND,
)
async def insights_daily(request: Request, query: FilterQueryDep) -> Response:
    return _json(b'{"groups":' + await _answer(request, query, service.daily_question) + b"}")


@router.get(
    "/breakdown",
    response_model=BreakdownResponse,
    summary="Split by placement, device, age x gender or country",
    responses=NOT_FOUND,
)
async def insights_breakdown(request: Request, query: FilterQueryDep, dimension: Dimension) -> Response:
    body = await _answer(
        request,
        query,
        lambda session, user_id, filters: service.breakdown_question(session, user_id, filters, dimension),
    )
    return _json(b'{"groups":' + body + b"}")
