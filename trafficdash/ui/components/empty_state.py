"""A friendly, centred message for screens with nothing to show yet."""

from __future__ import annotations

from nicegui import ui


def empty_state(icon: str, title: str, message: str) -> ui.column:
    """Returns the column so callers can add actions under the message."""
    with ui.column().classes("td-card w-full items-center text-center gap-3 py-14 px-6") as col:
        ui.icon(icon, size="56px").classes("td-muted")
        ui.label(title).classes("text-2xl font-semibold")
        ui.label(message).classes("td-muted max-w-xl")
    return col
