"""Who may see which ad account. Every query, page, export, job and cache key goes through here."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.models import AdAccount, AdAccountAccess


class AccountNotFound(LookupError):
    """Unknown to this user: answered as 404, whether the account exists for someone else or not."""

    def __init__(self, account_id: int | str) -> None:
        super().__init__(f"Ad account {account_id} not found")
        self.account_id = account_id


def visible_account_ids(session: Session, user_id: int) -> list[int]:
    rows = session.scalars(
        select(AdAccountAccess.ad_account_id)
        .where(AdAccountAccess.user_id == user_id)
        .order_by(AdAccountAccess.ad_account_id)
    )
    return list(rows)


def visible_accounts(session: Session, user_id: int) -> list[AdAccount]:
    return list(
        session.scalars(
            select(AdAccount)
            .join(AdAccountAccess, AdAccountAccess.ad_account_id == AdAccount.id)
            .where(AdAccountAccess.user_id == user_id)
            .order_by(AdAccount.name, AdAccount.id)
        )
    )


def parse_account_id(raw: int | str) -> int:
    """Accepts ``123`` or Meta's ``act_123``."""
    text = str(raw).strip()
    if text.startswith("act_"):
        text = text[4:]
    if not text.isdigit():
        raise AccountNotFound(raw)
    return int(text)


def require_visible(session: Session, user_id: int, account_ids: Iterable[int | str]) -> list[int]:
    """The ids, parsed, if the user may see all of them; otherwise AccountNotFound."""
    wanted = [parse_account_id(a) for a in account_ids]
    allowed = set(visible_account_ids(session, user_id))
    for account_id in wanted:
        if account_id not in allowed:
            raise AccountNotFound(account_id)
    return wanted
