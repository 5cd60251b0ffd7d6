"""Liveness: is this process up, and can it reach its database and Redis."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from trafficdash import __version__, db, redis_conn

router = APIRouter(tags=["health"])

ComponentState = Literal["ok", "unavailable"]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: ComponentState
    redis: ComponentState


def database_ok() -> bool:
    try:
        with db.get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not reachable" here
        return False


@router.get("/health", response_model=Health, summary="Liveness and dependency status")
def health() -> Health:
    database = "ok" if database_ok() else "unavailable"
    redis_state = "ok" if redis_conn.ping() else "unavailable"
    status = "ok" if database == redis_state == "ok" else "degraded"
    return Health(status=status, version=__version__, database=database, redis=redis_state)
