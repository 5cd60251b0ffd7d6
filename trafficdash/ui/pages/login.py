"""The login card: one button, "Continue with Facebook" (the sandbox's dialog in the embedded demo)."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import ui

from trafficdash.auth.oauth import safe_next
from trafficdash.settings import get_settings
from trafficdash.ui import theme
from trafficdash.ui.session_user import page_user

ERRORS = {
    "denied": "You cancelled the Facebook login. Continue again whenever you are ready.",
    "state": "That login link was stale or not started here. Please continue with Facebook again.",
    "exchange": "Facebook did not accept the login code. Please try again.",
    "expired": "Your Facebook login has expired. Please continue with Facebook again.",
    "revoked": "Facebook no longer accepts this login. Please continue with Facebook again.",
    "invalid": "Facebook rejected the login. Please continue with Facebook again.",
    "missing_scopes": "trafficdash needs permission to read your ads (ads_read). Please allow it and try again.",
    "wrong_app": "This login belongs to a different Meta app than this trafficdash.",
    "unreachable": "Facebook could not be reached. Please try again in a moment.",
    "conflict": "This Facebook login is already connected to another trafficdash user.",
}


def register() -> None:
    @ui.page("/login", title="Log in · trafficdash")
    def login_page(next: str = "/", error: str = "", signed_out: str = "") -> None:
        if page_user() is not None:
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
            ui.label("Your Meta ads, in one calm dashboard.").classes("td-muted text-center")
            if error:
                ui.label(ERRORS.get(error, "The login did not complete. Please try again.")).classes(
                    "w-full rounded-lg px-3 py-2 text-sm"
                ).style("background: rgba(239,68,68,.12); color: #fecaca").mark("login-error")
            elif signed_out:
                ui.label("You are signed out.").classes("td-muted text-sm")
            target = f"/auth/login?next={quote(safe_next(next), safe='/')}"
            ui.button("Continue with Facebook", icon="facebook").props("unelevated no-caps size=lg").classes(
                "w-full"
            ).style("background: #1877f2 !important; color: white").on_click(lambda: ui.navigate.to(target))
            if settings.use_sandbox:
                ui.label(
                    "Demo mode: the login uses the built-in Meta sandbox, so no Facebook account is needed."
                ).classes("td-muted text-xs text-center")
            ui.label("We only ask to read your ads. Tokens are stored encrypted.").classes(
                "td-muted text-xs text-center"
            )
