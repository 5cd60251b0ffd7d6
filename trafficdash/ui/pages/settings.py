"""Settings: the Facebook connection, personal API tokens and the team (agency workspace)."""

from __future__ import annotations

from nicegui import ui

from trafficdash import db
from trafficdash.auth import api_tokens, workspaces
from trafficdash.auth.access import is_admin, visible_accounts
from trafficdash.auth.connections import connection_state
from trafficdash.models import User
from trafficdash.ui.components.connection_banner import RECONNECT_URL
from trafficdash.ui.frame import frame
from trafficdash.ui.session_user import page_user

STATUS_LOOK = {
    "connected": ("check_circle", "positive", "Connected"),
    "expiring": ("schedule", "warning", "Expiring soon"),
    "needs_reconnect": ("link_off", "negative", "Needs reconnect"),
    "not_connected": ("link", "grey-5", "Not connected"),
}


def _section(title: str, subtitle: str) -> ui.column:
    col = ui.column().classes("td-card w-full p-6 gap-4")
    with col:
        ui.label(title).classes("text-lg font-semibold")
        ui.label(subtitle).classes("td-muted text-sm")
    return col


def _connection_section(user: User, admin: bool) -> None:
    state = connection_state(user)
    icon, color, label = STATUS_LOOK.get(state.status, STATUS_LOOK["not_connected"])
    with db.session_scope() as session:
        accounts = [a.name or a.act_id for a in visible_accounts(session, user.id)]
    with _section("Facebook connection", "trafficdash reads your ad accounts with your Facebook login."):
        with ui.row().classes("items-center gap-3").mark("connection-status"):
            ui.icon(icon, size="28px").props(f"color={color}")
            ui.label(label).classes("text-base font-medium")
            ui.label(state.message).classes("td-muted")
        if state.expires_at is not None:
            ui.label(f"Login valid until {state.expires_at:%Y-%m-%d}").classes("td-muted text-sm")
        ui.label(f"{len(accounts)} ad account(s): " + ", ".join(accounts[:8])).classes("text-sm")
        if admin:
            ui.button("Reconnect Facebook", icon="facebook").props("unelevated no-caps").on_click(
                lambda: ui.navigate.to(RECONNECT_URL)
            )


def _tokens_section(user_id: int, admin: bool) -> None:
    @ui.refreshable
    def token_list() -> None:
        with db.session_scope() as session:
            user = session.get(User, user_id)
            tokens = api_tokens.list_tokens(session, user) if user else []
        if not tokens:
            ui.label("No API tokens yet.").classes("td-muted text-sm")
        for token in tokens:
            with ui.row().classes("w-full items-center gap-3").mark("api-token"):
                ui.label(f"{token.prefix}…").classes("font-mono text-sm")
                ui.label(token.name or "(unnamed)").classes("text-sm")
                ui.label(f"created {token.created_at:%Y-%m-%d}").classes("td-muted text-xs")
                ui.space()
                if token.revoked_at is not None:
                    ui.badge("revoked", color="grey")
                elif admin:
                    ui.button("Revoke", on_click=lambda t=token.id: revoke(t)).props(
                        "flat dense no-caps color=negative"
                    )

    def revoke(token_id: int) -> None:
        with db.session_scope() as session:
            user = session.get(User, user_id)
            if user is not None:
                api_tokens.revoke(session, user, token_id)
        ui.notify("Token revoked")
        token_list.refresh()

    def create() -> None:
        with db.session_scope() as session:
            user = session.get(User, user_id)
            if user is None:
                return
            _, plain = api_tokens.create_token(session, user, name.value or "")
        name.value = ""
        with ui.dialog() as dialog, ui.card().classes("td-card p-6 gap-3"):
            ui.label("Your new API token").classes("text-lg font-semibold")
            ui.label("Copy it now: it is shown only once.").classes("td-muted text-sm")
            ui.input(value=plain).props("readonly outlined dense").classes("w-[28rem] font-mono").mark(
                "new-token"
            )
            ui.button("Done", on_click=dialog.close).props("unelevated no-caps")
        dialog.open()
        token_list.refresh()

    with _section(
        "Personal API tokens",
        "For scripts and BI tools: send 'Authorization: Bearer <token>' to /api. Only a prefix is kept here.",
    ):
        if admin:
            with ui.row().classes("items-center gap-3"):
                name = ui.input("Token name").props("outlined dense").mark("token-name")
                ui.button("Create token", icon="key", on_click=create).props("unelevated no-caps")
        token_list()


def _team_section(user_id: int, admin: bool) -> None:
    @ui.refreshable
    def member_list() -> None:
        with db.session_scope() as session:
            user = session.get(User, user_id)
            rows = workspaces.members(session, user) if user else []
            mine = workspaces.memberships(session, user) if user else []
        for workspace, role in mine:
            ui.label(f"You are a {role} in {workspace.name}.").classes("text-sm")
        if not rows:
            ui.label("Nobody invited yet.").classes("td-muted text-sm")
        for member in rows:
            with ui.row().classes("w-full items-center gap-3").mark("team-member"):
                ui.label(member.email).classes("text-sm")
                ui.badge(member.role, color="primary" if member.role == "admin" else "grey")
                ui.space()
                if admin:
                    ui.button("Remove", on_click=lambda m=member.id: remove(m)).props(
                        "flat dense no-caps color=negative"
                    )

    def remove(member_id: int) -> None:
        with db.session_scope() as session:
            user = session.get(User, user_id)
            if user is not None:
                workspaces.remove(session, user, member_id)
        member_list.refresh()

    def invite() -> None:
        try:
            with db.session_scope() as session:
                user = session.get(User, user_id)
                if user is None:
                    return
                workspaces.invite(session, user, email.value or "", role.value)
        except workspaces.InvalidInvitation as exc:
            ui.notify(str(exc), type="negative")
            return
        ui.notify(f"Invited {email.value}")
        email.value = ""
        member_list.refresh()

    with _section(
        "Team",
        "Invite people by e-mail: they see your ad accounts when they log in. Viewers look; admins also "
        "change schedules, connections and tokens.",
    ):
        if admin:
            with ui.row().classes("items-center gap-3"):
                email = ui.input("E-mail").props("outlined dense").mark("invite-email")
                role = ui.select({"viewer": "Viewer", "admin": "Admin"}, value="viewer").props(
                    "outlined dense"
                )
                ui.button("Invite", icon="person_add", on_click=invite).props("unelevated no-caps")
        member_list()


def register() -> None:
    @ui.page("/settings", title="Settings · trafficdash")
    def settings_page() -> None:
        user = page_user()
        if user is None:  # the sign-in guard normally redirects first
            ui.navigate.to("/login?next=/settings")
            return
        with db.session_scope() as session:
            admin = is_admin(session, user.id)
        with frame("Settings"):
            _connection_section(user, admin)
            _tokens_section(user.id, admin)
            _team_section(user.id, admin)
