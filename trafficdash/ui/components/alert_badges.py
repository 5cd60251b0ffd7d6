"""Alert badges of the dashboard pages: the open alerts of the selected accounts and the anomalies
with their explanation (Overview); ``services.alerts.open_alerts`` loads them (and the per-campaign
counts the Campaigns table shows)."""

from __future__ import annotations

from nicegui import ui

from trafficdash.i18n import t, tn
from trafficdash.services.alerts import OpenAlerts


def open_alerts_card(alerts: OpenAlerts) -> None:
    """Nothing when all is quiet; else the open count (to the Alerts page) and each anomaly explained."""
    if alerts.total == 0:
        return
    with ui.column().classes("td-card w-full p-4 gap-2").mark("open-alerts"):
        with ui.row().classes("w-full items-center gap-3"):
            ui.icon("notifications_active", size="22px").classes("text-red-400")
            ui.label(tn("alerts.open_count", alerts.total)).classes("td-section-title").mark(
                "open-alerts-count"
            )
            ui.space()
            ui.link(t("alerts.review"), "/alerts").classes("td-link text-sm")
        for note in alerts.anomalies:
            with ui.column().classes("gap-0").mark(f"anomaly-{note.id}"):
                with ui.row().classes("items-center gap-2"):
                    ui.badge(t("alerts.anomaly"), color="warning").props("outline")
                    ui.label(note.title).classes("font-medium")
                ui.label(note.explanation).classes("td-muted text-sm").mark("anomaly-explanation")
