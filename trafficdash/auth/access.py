"""Who may see which ad account, and who may change things. Every query, page, export, job and
cache key goes through here.

A user sees the accounts they connected themselves (``AdAccountAccess`` rows, written from
what Meta says their token can read) plus, as a workspace member, the accounts the workspace
owner connected. Membership is matched by e-mail, so an invitation works before the first login.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import Session

from trafficdash.input_types import MAX_DB_ID
from trafficdash.models import AdAccount, AdAccountAccess, User, Workspace, WorkspaceMember, WorkspaceRole


class AccountNotFound(LookupError):
    """Unknown to this user: answered as 404, whether the account exists for someone else or not."""

    def __init__(self, account_id: int | str) -> None:
        super().__init__(f"Ad account {account_id} not found")
        self.account_id = account_id


class NotAdmin(PermissionError):
    """The user may look but not change this (answered as 403)."""

    def __init__(self, what: str = "this") -> None:
        super().__init__(f"Only admins may change {what}.")


def _member_workspace_ids(user_id: int) -> Select:
    return (
        select(WorkspaceMember.workspace_id)
        .join(User, func.lower(User.email) == WorkspaceMember.email)
        .where(User.id == user_id)
    )


def _visible_ids_query(user_id: int, *, admin_only: bool = False) -> Select:
    own = select(AdAccountAccess.ad_account_id.label("account_id")).where(AdAccountAccess.user_id == user_id)
    members = _member_workspace_ids(user_id)
    if admin_only:
        members = members.where(WorkspaceMember.role == WorkspaceRole.ADMIN.value)
    shared = (
        select(AdAccountAccess.ad_account_id.label("account_id"))
        .join(Workspace, Workspace.owner_user_id == AdAccountAccess.user_id)
        .where(Workspace.id.in_(members))
    )
    return union(own, shared)  # type: ignore[return-value]


def visible_account_ids(session: Session, user_id: int) -> list[int]:
    ids = _visible_ids_query(user_id).subquery()
    return list(session.scalars(select(ids.c.account_id).order_by(ids.c.account_id)))


def visible_accounts(session: Session, user_id: int) -> list[AdAccount]:
    ids = _visible_ids_query(user_id).subquery()
    return list(
        session.scalars(
            select(AdAccount)
            .where(AdAccount.id.in_(select(ids.c.account_id)))
            .order_by(AdAccount.name, AdAccount.id)
        )
    )


def parse_account_id(raw: int | str) -> int:
    """Accepts ``123`` or Meta's ``act_123``; anything no account could have is not found."""
    text = str(raw).strip()
    if text.startswith("act_"):
        text = text[4:]
    if (
        not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_DB_ID)))
        or not 0 < int(text) <= MAX_DB_ID
    ):
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


def is_admin(session: Session, user_id: int) -> bool:
    """Admin of their own space: anyone who is not *only* a viewer member of someone's workspace.

    A person invited as a viewer, with no Facebook connection and no accounts of their own,
    may look but not create tokens, change connections or schedules.
    """
    if session.scalar(select(AdAccountAccess.id).where(AdAccountAccess.user_id == user_id).limit(1)):
        return True
    user = session.get(User, user_id)
    if user is None:
        return False
    if user.meta_token_encrypted is not None:
        return True
    roles = set(
        session.scalars(select(WorkspaceMember.role).where(WorkspaceMember.email == user.email.lower()))
    )
    return not roles or WorkspaceRole.ADMIN.value in roles


def require_admin(
    session: Session, user_id: int, account_ids: Iterable[int | str] | None = None, what: str = "this"
) -> list[int]:
    """Raise NotAdmin unless the user may change things; with ``account_ids``, for those accounts.

    Accounts the user cannot see raise AccountNotFound first (404 before 403, so ids do not leak).
    Returns the parsed account ids.
    """
    if account_ids is None:
        if not is_admin(session, user_id):
            raise NotAdmin(what)
        return []
    wanted = require_visible(session, user_id, account_ids)
    admin_ids = _visible_ids_query(user_id, admin_only=True).subquery()
    allowed = set(session.scalars(select(admin_ids.c.account_id)))
    if any(account_id not in allowed for account_id in wanted):
        raise NotAdmin(what)
    return wanted
