"""``/api/team``: the members of my workspace (agency teams), viewer or admin."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from trafficdash.api.deps import AdminUser, CurrentUser, PathId, SessionDep
from trafficdash.auth import workspaces
from trafficdash.input_types import Text

router = APIRouter(prefix="/team", tags=["team"])


class MemberOut(BaseModel):
    id: int
    email: str
    role: Literal["viewer", "admin"]
    created_at: datetime


class Invitation(BaseModel):
    email: Text = Field(min_length=3, max_length=320)
    role: Literal["viewer", "admin"] = "viewer"


def _out(member: workspaces.WorkspaceMember) -> dict:
    return {"id": member.id, "email": member.email, "role": member.role, "created_at": member.created_at}


@router.get("", response_model=list[MemberOut], summary="Members of my workspace")
def list_members(current: CurrentUser, session: SessionDep) -> list[dict]:
    return [_out(m) for m in workspaces.members(session, current)]


ADMINS_ONLY = {403: {"description": "Viewers may not manage the team"}}


@router.post(
    "",
    response_model=MemberOut,
    status_code=status.HTTP_201_CREATED,
    summary="Invite a member",
    responses=ADMINS_ONLY,
)
def invite(body: Invitation, current: AdminUser, session: SessionDep) -> dict:
    try:
        member = workspaces.invite(session, current, body.email, body.role)
    except workspaces.InvalidInvitation as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc
    return _out(member)


@router.delete(
    "/{member_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a member",
    responses={**ADMINS_ONLY, 404: {"description": "No such member of my workspace"}},
)
def remove(member_id: PathId, current: AdminUser, session: SessionDep) -> None:
    if not workspaces.remove(session, current, member_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Member {member_id} not found")
