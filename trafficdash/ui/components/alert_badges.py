"""Alert badges of the dashboard pages: the open alerts of the selected accounts and the anomalies
with their explanation (Overview), and the per-campaign counts the Campaigns table shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import ui
from sqlalchemy import select

from trafficdash import db
from trafficdash.alerts import service
from trafficdash.alerts.wording import alert_wording
from trafficdash.i18n import t, tn
from trafficdash.models import AdAccount

MAX_ANOMALIES = 5


@dataclass(frozen=True)
class AnomalyNote:
    id: int
    title: str
    explanation: str


@dataclass(frozen=True)
class OpenAlerts:
    """Open, unacknowledged alerts (what still needs a look), counted by subject."""

    total: int = 0
    per_campaign: dict[int, int] = field(default_factory=dict)
    anomalies: list[AnomalyNote] = field(default_factory=list)

    def for_campaign(self, campaign_id: int) -> int:
        return self.per_campaign.get(campaign_id, 0)


def open_alerts(user_id: int, account_ids: list[int], locale: str = "en") -> OpenAlerts:
    """Blocking (database): call it with ``run.io_bound`` (so the page passes its ``locale``: the
    browser's storage is out of reach in a worker thread). Empty ``account_ids`` = nothing selected."""
    if not account_ids:
        return OpenAlerts()
    with db.session_scope() as session:
        counts = service.open_alert_counts(session, user_id, account_ids)
        anomalies = service.list_alerts(
            session,
            user_id,
            service.AlertQuery(
                account_ids=account_ids,
                kind="anomaly",
                open_only=True,
                unacknowledged_only=True,
                limit=MAX_ANOMALIES,
            ),
        )
        currencies = {
            account_id: currency
            for account_id, currency in session.execute(
                select(AdAccount.id, AdAccount.currency).where(AdAccount.id.in_(account_ids))
            )
        }
        notes = [
            AnomalyNote(a.id, *alert_wording(a, currencies.get(a.ad_account_id, ""), locale))
            for a in anomalies
        ]
    total = sum(n for key, n in counts.items() if key.startswith("account:"))
    per_campaign = {
        int(key.removeprefix("campaign:")): n for key, n in counts.items() if key.startswith("campaign:")
    }
    return OpenAlerts(total=total, per_campaign=per_campaign, anomalies=notes)


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
