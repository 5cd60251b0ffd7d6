"""HTTP API under ``/api``; one router per resource, collected here."""

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError

from trafficdash.api import ad_accounts, alerts, campaigns, health, insights, me, reports, sync, team, tokens
from trafficdash.api.errors import ERROR_RESPONSES, validation_error_after_auth


def build_api_router() -> APIRouter:
    router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
    router.include_router(health.router)
    router.include_router(me.router)
    router.include_router(tokens.router)
    router.include_router(team.router)
    router.include_router(ad_accounts.router)
    router.include_router(campaigns.router)
    router.include_router(insights.router)
    router.include_router(reports.router)
    router.include_router(sync.router)
    router.include_router(alerts.router)
    return router


def install_api(app: FastAPI) -> None:
    """The /api routes and how their invalid requests are answered (the web app, tests, benchmarks)."""
    app.include_router(build_api_router())
    app.add_exception_handler(RequestValidationError, validation_error_after_auth)
