"""The alert bell of the header: the unread count, and a toast when new alerts arrive."""

from __future__ import annotations

from nicegui import run, ui

from trafficdash import db
from trafficdash.alerts import service
from trafficdash.i18n import tn

POLL_SECONDS = 10


def _unread(user_id: int) -> int:
    with db.session_scope() as session:
        return service.unread_count(session, user_id)


def alert_bell(where: ui.element, user_id: int) -> None:
    """A bell with the unread count; new alerts also pop up as toasts while the page is open."""
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
        show(await run.io_bound(_unread, user_id))

    show(_unread(user_id))  # the first count is drawn with the page
    ui.timer(POLL_SECONDS, refresh)
