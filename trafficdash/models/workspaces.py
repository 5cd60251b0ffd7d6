"""Agency workspaces: an owner shares the ad accounts they connected with invited team members.

Membership is keyed by e-mail, so an invitation works before the invitee has ever signed in;
``trafficdash.auth.access`` resolves what a member may see through it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trafficdash.db import Base, SurrogateId, utcnow


class WorkspaceRole(StrEnum):
    VIEWER = "viewer"  # sees the workspace's accounts
    ADMIN = "admin"  # also changes schedules, connections and tokens


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    # One workspace per owner: the accounts it shares are the ones the owner connected.
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WorkspaceMember(Base):
    __tablename__ = "workspace_members"
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    # Lower-cased; matched against users.email when the invitee signs in.
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(16), default=WorkspaceRole.VIEWER)
    invited_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
