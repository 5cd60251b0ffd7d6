"""Syncs over HTTP: start them, follow one, list the history, read and change the schedules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, Field

from trafficdash.api.deps import CurrentUser, SessionDep
from trafficdash.auth.access import AccountNotFound, NotAdmin, require_admin
from trafficdash.input_types import DbId, Flag, Int, NotABoolean, Text
from trafficdash.jobs import status as sync_status
from trafficdash.jobs.enqueue import SyncQueueBusy
from trafficdash.jobs.schedules import InvalidSchedule
from trafficdash.models.schedules import DEFAULT_NIGHTLY_HOUR

router = APIRouter(prefix="/sync", tags=["sync"])

NOT_FOUND = {404: {"description": "An ad account or sync you cannot see (or that does not exist)"}}


class SyncRequest(BaseModel):
    account_ids: list[DbId | Annotated[Text, Field(max_length=40)]] = Field(
        default_factory=list,
        max_length=500,
        description="Ad account ids (``123`` or ``act_123``); empty = every account you can see.",
    )
    full_refresh: Flag = Field(False, description="Re-read every entity and the whole history.")


class SyncStarted(BaseModel):
    runs: list[sync_status.RunStatus]


class ScheduleIn(BaseModel):
    interval_minutes: Int = Field(
        description="Minutes between syncs: 0 (off), 60, 120, 180, 360, 720 or 1440."
    )
    nightly_enabled: Flag = True
    nightly_hour: Annotated[int, Field(ge=0, le=23), NotABoolean] = Field(
        DEFAULT_NIGHTLY_HOUR, description="Hour of the nightly re-read, account time."
    )


# A run id or an RQ job id (``sync-<account>-<hex>``): ASCII, as the job ids we make.
SyncRef = Annotated[str, Path(max_length=64, pattern="^[A-Za-z0-9_.:-]+$")]


def _not_found(exc: Exception) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc))


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncStarted,
    summary="Queue a sync",
    responses={**NOT_FOUND, 409: {"description": "The sync queue is full; try again shortly"}},
)
def start_sync(body: SyncRequest, user: CurrentUser, session: SessionDep) -> SyncStarted:
    """One job per account; an account already queued or syncing returns its running job."""
    try:
        runs = sync_status.start_sync(
            session, user.id, body.account_ids, trigger="api", full_refresh=body.full_refresh
        )
    except AccountNotFound as exc:
        raise _not_found(exc) from exc
    except SyncQueueBusy as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    return SyncStarted(runs=runs)


@router.get(
    "/runs",
    response_model=list[sync_status.RunStatus],
    summary="Sync history, newest first",
    responses=NOT_FOUND,
)
def list_runs(
    user: CurrentUser,
    session: SessionDep,
    account_id: Annotated[list[str] | None, Query(description="Filter by ad account (repeatable).")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[sync_status.RunStatus]:
    try:
        return sync_status.history(session, user.id, account_id, limit=limit)
    except AccountNotFound as exc:
        raise _not_found(exc) from exc


@router.get(
    "/schedules", response_model=list[sync_status.ScheduleOut], summary="Each account's sync schedule"
)
def list_schedules(user: CurrentUser, session: SessionDep) -> list[sync_status.ScheduleOut]:
    return sync_status.schedule_list(session, user.id)


@router.put(
    "/schedules/{account_id}",
    response_model=sync_status.ScheduleOut,
    summary="Change an account's sync schedule",
    responses={**NOT_FOUND, 403: {"description": "Viewers may not change schedules"}},
)
def put_schedule(
    account_id: str, body: ScheduleIn, user: CurrentUser, session: SessionDep
) -> sync_status.ScheduleOut:
    try:
        require_admin(session, user.id, [account_id], what="sync schedules")
        return sync_status.update_schedule(
            session,
            user.id,
            account_id,
            interval_minutes=body.interval_minutes,
            nightly_enabled=body.nightly_enabled,
            nightly_hour=body.nightly_hour,
        )
    except AccountNotFound as exc:
        raise _not_found(exc) from exc
    except NotAdmin as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from exc
    except InvalidSchedule as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc


@router.get(
    "/{sync_id}",
    response_model=sync_status.RunStatus,
    summary="A sync's status and progress",
    responses=NOT_FOUND,
)
def get_sync(sync_id: SyncRef, user: CurrentUser, session: SessionDep) -> sync_status.RunStatus:
    """``sync_id`` is the run id (or the job id) returned when the sync was queued."""
    try:
        return sync_status.run_status(session, user.id, sync_id)
    except sync_status.RunNotFound as exc:
        raise _not_found(exc) from exc
