"""The login card: one button, "Continue with Facebook" (the sandbox's dialog in the embedded demo)."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import ui

from trafficdash.auth.oauth import safe_next
from trafficdash.i18n import t
from trafficdash.settings import get_settings
from trafficdash.ui import theme
from trafficdash.ui.session_user import page_user


def register() -> None:
    @ui.page("/login", title="Log in · trafficdash")
    async def login_page(next: str = "/", error: str = "", signed_out: str = "") -> None:
        if await page_user() is not None:
            ui.navigate.to(safe_next(next))
            return
        theme.apply_theme()
        settings = get_settings()
        with (
            ui.column().classes("w-full min-h-screen items-center justify-center p-4"),
            ui.card().classes("td-card w-full max-w-md items-center gap-5 p-10"),
        ):
            ui.icon("insights", size="56px").style(f"color: {theme.PRIMARY}")
            ui.label("trafficdash").classes("text-3xl font-bold td-gradient-text")
            ui.label(t("login.tagline")).classes("td-muted text-center")
            if error:
                ui.label(t(f"login.error.{error}", default=t("login.error.generic"))).classes(
                    "w-full rounded-lg px-3 py-2 text-sm"
                ).style("background: rgba(239,68,68,.12); color: #fecaca").mark("login-error")
            elif signed_out:
                ui.label(t("login.signed_out")).classes("td-muted text-sm")
            target = f"/auth/login?next={quote(safe_next(next), safe='/')}"
            ui.button(t("login.continue"), icon="facebook").props("unelevated no-caps size=lg").classes(
                "w-full"
            ).style("background: #1877f2 !important; color: white").on_click(lambda: ui.navigate.to(target))
            if settings.use_sandbox:
                ui.label(t("login.demo")).classes("td-muted text-xs text-center")
            ui.label(t("login.privacy")).classes("td-muted text-xs text-center")
