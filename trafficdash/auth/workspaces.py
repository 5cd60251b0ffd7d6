"""Agency teams: the owner invites people by e-mail as viewers or admins of their workspace."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.models import User, Workspace, WorkspaceMember, WorkspaceRole

__all__ = ["InvalidInvitation", "WorkspaceMember", "invite", "members", "memberships", "remove"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidInvitation(ValueError):
    """The invitation cannot be made; the message says why."""


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    if len(email) > 320 or not _EMAIL.match(email):
        raise InvalidInvitation(f"'{raw.strip()[:80]}' is not an e-mail address.")
    return email


def workspace_of(session: Session, owner: User) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.owner_user_id == owner.id))


def ensure_workspace(session: Session, owner: User) -> Workspace:
    workspace = workspace_of(session, owner)
    if workspace is None:
        workspace = Workspace(owner_user_id=owner.id, name=f"{owner.name or owner.email}'s team")
        session.add(workspace)
        session.flush()
    return workspace


def invite(session: Session, owner: User, email: str, role: str = WorkspaceRole.VIEWER) -> WorkspaceMember:
    """Add (or re-role) a member of the owner's workspace."""
    email = normalise_email(email)
    try:
        role = WorkspaceRole(role).value
    except ValueError:
        raise InvalidInvitation(f"Role must be one of {', '.join(r.value for r in WorkspaceRole)}.") from None
    if email == owner.email.lower():
        raise InvalidInvitation("You already own this workspace.")
    workspace = ensure_workspace(session, owner)
    member = session.scalar(
        select(WorkspaceMember).where(
            WorkspaceMember.workspace_id == workspace.id, WorkspaceMember.email == email
        )
    )
    if member is None:
        member = WorkspaceMember(workspace_id=workspace.id, email=email, invited_by_user_id=owner.id)
        session.add(member)
    member.role = role
    session.flush()
    return member


def members(session: Session, owner: User) -> list[WorkspaceMember]:
    workspace = workspace_of(session, owner)
    if workspace is None:
        return []
    return list(
        session.scalars(
            select(WorkspaceMember)
            .where(WorkspaceMember.workspace_id == workspace.id)
            .order_by(WorkspaceMember.email)
        )
    )


def remove(session: Session, owner: User, member_id: int) -> bool:
    workspace = workspace_of(session, owner)
    member = session.get(WorkspaceMember, member_id)
    if workspace is None or member is None or member.workspace_id != workspace.id:
        return False
    session.delete(member)
    session.flush()
    return True


def memberships(session: Session, user: User) -> list[tuple[Workspace, str]]:
    """The workspaces this user was invited to, with their role in each."""
    rows = session.execute(
        select(Workspace, WorkspaceMember.role)
        .join(WorkspaceMember, WorkspaceMember.workspace_id == Workspace.id)
        .where(WorkspaceMember.email == user.email.lower())
        .order_by(Workspace.name)
    )
    return [(workspace, role) for workspace, role in rows]
