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
from trafficdash.jobs import embedded
from trafficdash.jobs.runner import SCHEDULER_HEARTBEAT_KEY

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


# A beat stored without a TTL (the scheduler sets one) counts only while younger than this.
SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS = 300.0

CheckName = Literal["database", "redis", "workers", "scheduler"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[CheckName, ComponentState]
    failing: list[CheckName]
    workers: int


def live_worker_count(client: redis.Redis) -> int:
    """RQ workers whose registration key is alive (a dead worker's key expires with its TTL),
    or, in the embedded default, the live worker thread (it registers only while it works)."""
    try:
        registered = len(Worker.all(connection=client))
    except redis.RedisError:
        registered = 0
    return max(registered, embedded.worker_threads_alive())


def _beat_time(raw: bytes) -> float | None:
    """The stored beat as epoch seconds, if the value is a time (epoch or ISO 8601 with zone)."""
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
    """The scheduler writes ``SCHEDULER_HEARTBEAT_KEY`` each pass with a TTL of a few intervals:
    a live key is a live scheduler. A key without TTL is judged by the time it holds."""
    try:
        pipe = client.pipeline()
        pipe.get(SCHEDULER_HEARTBEAT_KEY)
        pipe.ttl(SCHEDULER_HEARTBEAT_KEY)
        raw, ttl = pipe.execute()
    except redis.RedisError:
        return False
    if raw is None:
        return False
    if ttl is not None and ttl > 0:
        return True
    beat = _beat_time(raw)
    return beat is not None and (now or time.time()) - beat <= SCHEDULER_HEARTBEAT_MAX_AGE_SECONDS


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
