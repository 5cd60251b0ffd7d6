"""``/api/me``: who am I, is my Facebook connection healthy, which ad accounts do I see."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from trafficdash.api.deps import CurrentUser, SessionDep
from trafficdash.auth.access import is_admin, visible_accounts
from trafficdash.auth.connections import connection_state

router = APIRouter(tags=["me"])


class Connection(BaseModel):
    status: str
    message: str
    expires_at: datetime | None


class AccountSummary(BaseModel):
    id: str
    name: str
    currency: str
    timezone_name: str
    account_status: int


class Me(BaseModel):
    id: int
    email: str
    name: str
    is_admin: bool
    connection: Connection
    ad_accounts: list[AccountSummary]


@router.get("/me", response_model=Me, summary="The signed-in user, their connection and ad accounts")
def me(current: CurrentUser, session: SessionDep) -> Me:
    state = connection_state(current)
    return Me(
        id=current.id,
        email=current.email,
        name=current.name,
        is_admin=is_admin(session, current.id),
        connection=Connection(status=state.status, message=state.message, expires_at=state.expires_at),
        ad_accounts=[
            AccountSummary(
                id=a.act_id,
                name=a.name,
                currency=a.currency,
                timezone_name=a.timezone_name,
                account_status=a.account_status,
            )
            for a in visible_accounts(session, current.id)
        ],
    )
