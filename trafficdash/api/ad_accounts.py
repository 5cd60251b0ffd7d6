"""The signed-in user's ad accounts: currency, time zone, last sync and data freshness."""

from __future__ import annotations

from fastapi import APIRouter

from trafficdash.analytics import service
from trafficdash.analytics.schemas import AccountStatus
from trafficdash.api.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/ad-accounts", tags=["ad accounts"])


@router.get("", response_model=list[AccountStatus], summary="Your connected ad accounts and their sync state")
def list_ad_accounts(user: CurrentUser, session: SessionDep) -> list[AccountStatus]:
    return service.accounts_overview(session, user.id)
