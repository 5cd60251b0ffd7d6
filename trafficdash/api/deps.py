"""Request dependencies: a database session and the authenticated user (cookie or Bearer token)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from sqlalchemy.orm import Session

from trafficdash import db
from trafficdash.auth import api_tokens
from trafficdash.auth.current import signed_in_user_id
from trafficdash.input_types import DbId
from trafficdash.models import User


def get_session() -> Iterator[Session]:
    with db.session_scope() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_current_user(request: Request, session: SessionDep) -> User:
    return authenticate_request(request, session)


def authenticate_request(request: Request, session: Session) -> User:
    """The user behind a Bearer token or the browser session; 401 otherwise."""
    token = _bearer_token(request)
    if token is not None:
        user = api_tokens.authenticate(session, token)
        if user is None:
            raise _unauthorized("The API token is invalid or revoked.")
        return user
    return _session_user(session)


def authenticate_request_id(request: Request, session: Session) -> int:
    """``authenticate_request(...).id`` without loading the user behind a token (hot API paths)."""
    token = _bearer_token(request)
    if token is None:
        return _session_user(session).id
    user_id = api_tokens.authenticated_user_id(session, token)
    if user_id is None:
        raise _unauthorized("The API token is invalid or revoked.")
    return user_id


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header:
        return None
    token = api_tokens.bearer_token(header)
    if token is None:
        raise _unauthorized("Use 'Authorization: Bearer <personal API token>'.")
    return token


def _session_user(session: Session) -> User:
    user_id = signed_in_user_id()
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise _unauthorized("Sign in, or send a personal API token as 'Authorization: Bearer <token>'.")
    return user


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_admin_user(current: CurrentUser, session: SessionDep) -> User:
    """The current user, if they may change connections, schedules and tokens (403 for viewers)."""
    from trafficdash.auth.access import NotAdmin, is_admin

    if not is_admin(session, current.id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(NotAdmin()))
    return current


AdminUser = Annotated[User, Depends(get_admin_user)]
# A database id in a path: bounded, so a fuzzer's huge numbers answer 422, never a driver error.
PathId = Annotated[DbId, Path()]
