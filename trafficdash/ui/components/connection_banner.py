"""The banner every page shows when the Facebook connection needs attention (expiring or broken)."""

from __future__ import annotations

from nicegui import ui

from trafficdash.auth.connections import ConnectionState
from trafficdash.i18n import t
from trafficdash.services.users import PageUser

RECONNECT_URL = "/auth/login?next=/settings"


def connection_message(state: ConnectionState, locale: str | None = None) -> str:
    """The state's sentence in the reader's language (``state.message`` is the API's English)."""
    if state.reason == "expiring":
        days = state.days_left or 0
        plural = "today" if days == 0 else "one" if days == 1 else "many"
        return t(f"connection.msg.expiring_{plural}", locale, days=days)
    return t(f"connection.msg.{state.reason}", locale, default=state.message)


def connection_banner(user: PageUser) -> None:
    state = user.connection
    if not state.needs_action:
        return
    tone = "negative" if state.status == "needs_reconnect" else "warning"
    with (
        ui.row()
        .classes("w-full items-center gap-3 rounded-xl px-4 py-3")
        .style(
            "background: rgba(239,68,68,.12); border: 1px solid rgba(239,68,68,.4)"
            if tone == "negative"
            else "background: rgba(245,158,11,.12); border: 1px solid rgba(245,158,11,.4)"
        )
        .mark("connection-banner")
    ):
        ui.icon("link_off" if tone == "negative" else "schedule", size="22px").props(f"color={tone}")
        ui.label(connection_message(state)).classes("grow")
        ui.button(t("connection.reconnect"), icon="facebook").props(
            f"color={tone} unelevated no-caps"
        ).on_click(lambda: ui.navigate.to(RECONNECT_URL))


def user_menu(user: PageUser) -> None:
    """Who is signed in, with the way out."""
    with (
        ui.button(icon="account_circle").props("flat round dense color=grey-5").mark("user-menu"),
        ui.menu().props("dark"),
    ):
        ui.label(user.email).classes("px-4 py-2 td-muted text-sm")
        ui.menu_item(t("nav.Settings"), on_click=lambda: ui.navigate.to("/settings"))
        ui.menu_item(t("menu.logout"), on_click=lambda: ui.navigate.to("/auth/logout"))
