"""The alert bell of the header: the unread count, and a toast when new alerts arrive."""

from __future__ import annotations

from nicegui import ui

from trafficdash.i18n import tn
from trafficdash.services.alerts import unread_count
from trafficdash.ui.io import load

POLL_SECONDS = 10


def alert_bell(where: ui.element, user_id: int, unread: int) -> None:
    """A bell with the ``unread`` count (loaded with the page's user); new alerts also pop up as
    toasts while the page is open."""
    seen: dict[str, int | None] = {"count": None}

    with where, ui.link(target="/alerts").classes("no-underline"):
        bell = ui.button(icon="notifications").props("flat round dense color=grey-4").mark("alert-bell")
        with bell:
            badge = ui.badge("", color="negative").props("floating").mark("alert-unread")

    def show(count: int) -> None:
        badge.set_text(str(count))
        badge.set_visibility(count > 0)
        previous = seen["count"]
        if previous is not None and count > previous:
            ui.notify(tn("alerts.new_toast", count - previous), type="warning", position="top-right")
        seen["count"] = count

    async def refresh() -> None:
        show(await load(unread_count, user_id))

    show(unread)
    ui.timer(POLL_SECONDS, refresh)
