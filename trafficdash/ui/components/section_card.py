"""A titled card section, as the Sync, Alerts, Reports and Settings pages stack them."""

from __future__ import annotations

from nicegui import ui


def section_card(title: str, text: str | None = None) -> ui.column:
    """Use as ``with section_card(...):``; the title (and an explanatory line) come first."""
    column = ui.column().classes("td-card w-full p-4 sm:p-6 gap-3")
    with column:
        ui.label(title).classes("text-lg font-semibold")
        if text:
            ui.label(text).classes("td-muted text-sm")
    return column
