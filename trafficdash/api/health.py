"""Liveness (is this process up, can it reach its database and Redis) and readiness (can the
whole deployment do work: database, Redis, a live RQ worker, a beating scheduler)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Literal

import redis
from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from rq import Worker
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


# Written by the scheduler process (or the embedded scheduler thread) on every beat, with a TTL.
SCHEDULER_HEARTBEAT_KEY = "trafficdash:scheduler:heartbeat"
# A beat that stored its time and is older than this is a stopped scheduler even if the key lingers.
SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS = 300.0

CheckName = Literal["database", "redis", "workers", "scheduler"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[CheckName, ComponentState]
    failing: list[CheckName]
    workers: int


def live_worker_count(client: redis.Redis) -> int:
    """RQ workers whose registration key is alive (a dead worker's key expires with its TTL)."""
    try:
        return len(Worker.all(connection=client))
    except redis.RedisError:
        return 0


def _beat_time(raw: bytes) -> float | None:
    """The stored beat as epoch seconds, if the value is a time (epoch or ISO 8601)."""
    value = raw.decode(errors="replace").strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo else None


def scheduler_beating(client: redis.Redis, now: float | None = None) -> bool:
    try:
        raw = client.get(SCHEDULER_HEARTBEAT_KEY)
    except redis.RedisError:
        return False
    if raw is None:
        return False
    beat = _beat_time(raw)
    return beat is None or (now or time.time()) - beat <= SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS


def readiness() -> Readiness:
    client = redis_conn.get_redis()
    redis_ok = redis_conn.ping(client)
    workers = live_worker_count(client) if redis_ok else 0
    checks: dict[CheckName, ComponentState] = {
        "database": "ok" if database_ok() else "unavailable",
        "redis": "ok" if redis_ok else "unavailable",
        "workers": "ok" if workers > 0 else "unavailable",
        "scheduler": "ok" if redis_ok and scheduler_beating(client) else "unavailable",
    }
    failing = [name for name, state in checks.items() if state != "ok"]
    return Readiness(
        status="not_ready" if failing else "ready", checks=checks, failing=failing, workers=workers
    )


@router.get(
    "/health/ready",
    response_model=Readiness,
    summary="Readiness: database, Redis, a live worker and the scheduler's heartbeat",
    responses={503: {"model": Readiness, "description": "Some part is not ready; `failing` names it"}},
)
def ready(response: Response) -> Readiness:
    answer = readiness()
    if answer.failing:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return answer
