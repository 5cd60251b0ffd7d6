"""Overview: the morning page. Until an ad account is connected it explains how to connect."""

from __future__ import annotations

from nicegui import ui

from trafficdash.services import accounts
from trafficdash.ui.components.empty_state import empty_state
from trafficdash.ui.frame import frame


def register() -> None:
    @ui.page("/", title="Overview · trafficdash")
    def overview_page() -> None:
        with frame("Overview"):
            if accounts.count_ad_accounts() == 0:
                with empty_state(
                    "link",
                    "Connect an ad account",
                    "No Meta ad account is connected yet. Connect your Facebook login to pull your "
                    "ad accounts, campaigns and daily insights, or register a token on the server "
                    "with `trafficdash connect`.",
                ):
                    ui.label("trafficdash connect --access-token TOKEN --email you@example.com").classes(
                        "font-mono text-sm td-muted bg-slate-900 rounded px-3 py-2"
                    )
