"""The Settings page's reads and writes: account names, personal API tokens and the team."""

from __future__ import annotations

from dataclasses import dataclass

from trafficdash import db
from trafficdash.auth import api_tokens, workspaces
from trafficdash.auth.access import visible_accounts
from trafficdash.models import ApiToken, User, WorkspaceMember


def account_names(user_id: int) -> list[str]:
    with db.session_scope() as session:
        return [a.name or a.act_id for a in visible_accounts(session, user_id)]


def tokens(user_id: int) -> list[ApiToken]:
    with db.session_scope() as session:
        user = session.get(User, user_id)
        return api_tokens.list_tokens(session, user) if user else []


def create_token(user_id: int, name: str) -> str | None:
    """The new token in plain text (shown once), None when the user is gone."""
    with db.session_scope() as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        _, plain = api_tokens.create_token(session, user, name)
        return plain


def revoke_token(user_id: int, token_id: int) -> None:
    with db.session_scope() as session:
        user = session.get(User, user_id)
        if user is not None:
            api_tokens.revoke(session, user, token_id)


@dataclass(frozen=True)
class Team:
    members: list[WorkspaceMember]
    memberships: list[tuple[str, str]]  # (workspace name, my role) in the workspaces I belong to


def team(user_id: int) -> Team:
    with db.session_scope() as session:
        user = session.get(User, user_id)
        if user is None:
            return Team([], [])
        mine = [(workspace.name, role) for workspace, role in workspaces.memberships(session, user)]
        return Team(workspaces.members(session, user), mine)


def remove_member(user_id: int, member_id: int) -> None:
    with db.session_scope() as session:
        user = session.get(User, user_id)
        if user is not None:
            workspaces.remove(session, user, member_id)


def invite(user_id: int, email: str, role: str) -> None:
    """Raises ``workspaces.InvalidInvitation`` for an address or role that cannot be invited."""
    with db.session_scope() as session:
        user = session.get(User, user_id)
        if user is not None:
            workspaces.invite(session, user, email, role)
