"""HTTP API under ``/api``; one router per resource, collected here."""

from fastapi import APIRouter

from trafficdash.api import health, me, team, tokens


def build_api_router() -> APIRouter:
    router = APIRouter(prefix="/api")
    router.include_router(health.router)
    router.include_router(me.router)
    router.include_router(tokens.router)
    router.include_router(team.router)
    return router
