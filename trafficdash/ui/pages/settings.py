"""Settings: the Facebook connection, personal API tokens and the team (agency workspace)."""

from __future__ import annotations

from nicegui import ui

from trafficdash.auth.workspaces import InvalidInvitation
from trafficdash.i18n import format_date, t
from trafficdash.services import settings
from trafficdash.services.users import PageUser, user_is_admin
from trafficdash.ui.components.connection_banner import RECONNECT_URL, connection_message
from trafficdash.ui.components.section_card import section_card
from trafficdash.ui.frame import frame
from trafficdash.ui.io import load
from trafficdash.ui.session_user import page_user

STATUS_LOOK = {  # icon, colour, label key
    "connected": ("check_circle", "positive", "connection.connected"),
    "expiring": ("schedule", "warning", "connection.expiring"),
    "needs_reconnect": ("link_off", "negative", "connection.needs_reconnect"),
    "not_connected": ("link", "grey-5", "connection.not_connected"),
}


async def _connection_section(user: PageUser, admin: bool) -> None:
    state = user.connection
    icon, color, label = STATUS_LOOK.get(state.status, STATUS_LOOK["not_connected"])
    accounts = await load(settings.account_names, user.id)
    with section_card(t("settings.connection.title"), t("settings.connection.text")):
        with ui.row().classes("items-center gap-3").mark("connection-status"):
            ui.icon(icon, size="28px").props(f"color={color}")
            ui.label(t(label)).classes("text-base font-medium")
            ui.label(connection_message(state)).classes("td-muted")
        if state.expires_at is not None:
            ui.label(t("settings.valid_until", date=format_date(state.expires_at))).classes(
                "td-muted text-sm"
            )
        names = ", ".join(accounts[:8]) + (" …" if len(accounts) > 8 else "")
        ui.label(t("settings.accounts", count=len(accounts), names=names)).classes("text-sm")
        if admin:
            ui.button(t("connection.reconnect"), icon="facebook").props("unelevated no-caps").on_click(
                lambda: ui.navigate.to(RECONNECT_URL)
            )


async def _tokens_section(user_id: int, admin: bool) -> None:
    @ui.refreshable
    async def token_list() -> None:
        tokens = await load(settings.tokens, user_id)
        if not tokens:
            ui.label(t("settings.tokens.none")).classes("td-muted text-sm")
        for token in tokens:
            with ui.row().classes("w-full items-center gap-3").mark("api-token"):
                ui.label(f"{token.prefix}…").classes("font-mono text-sm")
                ui.label(token.name or t("settings.tokens.unnamed")).classes("text-sm")
                created = format_date(token.created_at)
                ui.label(t("settings.tokens.created", date=created)).classes("td-muted text-xs")
                ui.space()
                if token.revoked_at is not None:
                    ui.badge(t("settings.tokens.revoked"), color="grey")
                elif admin:
                    ui.button(t("settings.tokens.revoke"), on_click=lambda i=token.id: revoke(i)).props(
                        "flat dense no-caps color=negative"
                    )

    async def revoke(token_id: int) -> None:
        await load(settings.revoke_token, user_id, token_id)
        ui.notify(t("settings.tokens.revoked_toast"))
        token_list.refresh()

    async def create() -> None:
        plain = await load(settings.create_token, user_id, name.value or "")
        if plain is None:
            return
        name.value = ""
        with ui.dialog() as dialog, ui.card().classes("td-card p-6 gap-3"):
            ui.label(t("settings.tokens.new")).classes("text-lg font-semibold")
            ui.label(t("settings.tokens.copy")).classes("td-muted text-sm")
            ui.input(value=plain).props("readonly outlined dense").classes(
                "w-full sm:w-[28rem] font-mono"
            ).mark("new-token")
            ui.button(t("settings.done"), on_click=dialog.close).props("unelevated no-caps")
        dialog.open()
        token_list.refresh()

    with section_card(t("settings.tokens.title"), t("settings.tokens.text")):
        if admin:
            with ui.row().classes("items-center gap-3"):
                name = ui.input(t("settings.tokens.name")).props("outlined dense").mark("token-name")
                ui.button(t("settings.tokens.create"), icon="key", on_click=create).props(
                    "unelevated no-caps"
                )
        await token_list()


async def _team_section(user_id: int, admin: bool) -> None:
    @ui.refreshable
    async def member_list() -> None:
        team = await load(settings.team, user_id)
        rows = team.members
        for workspace, role in team.memberships:
            ui.label(t(f"settings.team.you_are.{role}", workspace=workspace)).classes("text-sm")
        if not rows:
            ui.label(t("settings.team.none")).classes("td-muted text-sm")
        for member in rows:
            with ui.row().classes("w-full items-center gap-3").mark("team-member"):
                ui.label(member.email).classes("text-sm")
                ui.badge(
                    t(f"settings.role.{member.role}", default=member.role),
                    color="primary" if member.role == "admin" else "grey",
                )
                ui.space()
                if admin:
                    ui.button(t("settings.team.remove"), on_click=lambda m=member.id: remove(m)).props(
                        "flat dense no-caps color=negative"
                    )

    async def remove(member_id: int) -> None:
        await load(settings.remove_member, user_id, member_id)
        member_list.refresh()

    async def invite() -> None:
        try:
            await load(settings.invite, user_id, email.value or "", role.value)
        except InvalidInvitation as exc:
            ui.notify(str(exc), type="negative")
            return
        ui.notify(t("settings.team.invited", email=email.value))
        email.value = ""
        member_list.refresh()

    with section_card(t("settings.team.title"), t("settings.team.text")):
        if admin:
            with ui.row().classes("items-center gap-3"):
                email = ui.input(t("settings.team.email")).props("outlined dense").mark("invite-email")
                role = ui.select(
                    {"viewer": t("settings.role.viewer"), "admin": t("settings.role.admin")}, value="viewer"
                ).props("outlined dense")
                ui.button(t("settings.team.invite"), icon="person_add", on_click=invite).props(
                    "unelevated no-caps"
                )
        await member_list()


def register() -> None:
    @ui.page("/settings", title="Settings · trafficdash")
    async def settings_page() -> None:
        user = await page_user()
        if user is None:  # the sign-in guard normally redirects first
            ui.navigate.to("/login?next=/settings")
            return
        admin = await load(user_is_admin, user.id)
        async with frame(t("nav.Settings"), user):
            await _connection_section(user, admin)
            await _tokens_section(user.id, admin)
            await _team_section(user.id, admin)
