"""HTTP API under ``/api``; one router per resource, collected here."""

from fastapi import APIRouter

from trafficdash.api import health


def build_api_router() -> APIRouter:
    router = APIRouter(prefix="/api")
    router.include_router(health.router)
    return router
