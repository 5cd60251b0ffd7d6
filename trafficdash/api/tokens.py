"""``/api/tokens``: personal API tokens (the plain token is returned once, at creation)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from trafficdash.api.deps import AdminUser, CurrentUser, PathId, SessionDep
from trafficdash.auth import api_tokens
from trafficdash.input_types import Text

router = APIRouter(prefix="/tokens", tags=["tokens"])


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreate(BaseModel):
    name: Text = Field(default="", max_length=100)


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself. Shown only in this answer; store it now.")


def _out(token: api_tokens.ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("", response_model=list[TokenOut], summary="My API tokens (prefix only)")
def list_tokens(current: CurrentUser, session: SessionDep) -> list[dict]:
    return [_out(t) for t in api_tokens.list_tokens(session, current)]


ADMINS_ONLY = {403: {"description": "Viewers may not create or revoke tokens"}}


@router.post(
    "",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create an API token",
    responses=ADMINS_ONLY,
)
def create_token(body: TokenCreate, current: AdminUser, session: SessionDep) -> dict:
    token, plain = api_tokens.create_token(session, current, body.name)
    return {**_out(token), "token": plain}


@router.delete(
    "/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API token",
    responses={**ADMINS_ONLY, 404: {"description": "No such token of mine"}},
)
def revoke_token(token_id: PathId, current: AdminUser, session: SessionDep) -> None:
    if not api_tokens.revoke(session, current, token_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"API token {token_id} not found")
