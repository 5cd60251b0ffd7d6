"""Alerts (``/alerts``): rules with their last evaluation, templates (two clicks to a rule), and history."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui

from trafficdash import db
from trafficdash.alerts import service
from trafficdash.alerts.evaluation import evaluate_rule
from trafficdash.alerts.rules import TEMPLATES, InvalidRule, describe
from trafficdash.auth.access import AccountNotFound, NotAdmin, visible_accounts
from trafficdash.ui.frame import frame
from trafficdash.ui.session_user import login_redirect, page_user

STATE_COLORS = {
    "firing": "negative",
    "ok": "positive",
    "no_data": "grey",
    "snoozed": "warning",
    "muted": "grey",
}


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "—"


class AlertsPage:
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        with db.session_scope() as session:
            self.accounts = {a.id: a.name for a in visible_accounts(session, user_id)}
        self.account_id: int | None = next(iter(self.accounts), None)

    def render(self) -> None:
        if not self.accounts:
            ui.label("Connect an ad account to set up alerts.").classes("td-muted")
            return
        with ui.row().classes("items-center gap-4"):
            ui.select(self.accounts, value=self.account_id, label="Ad account").bind_value(
                self, "account_id"
            ).classes("min-w-64").mark("alert-account")
        ui.label("Templates").classes("text-lg font-semibold")
        with ui.row().classes("w-full gap-3"):
            for template in TEMPLATES:
                with ui.card().classes("w-72 gap-2"):
                    ui.label(template.title).classes("font-medium")
                    ui.label(template.description).classes("text-sm td-muted")
                    ui.button("Use", on_click=lambda _, k=template.key: self.create(k)).props(
                        "flat dense"
                    ).mark(f"template-{template.key}")
        ui.label("Rules").classes("text-lg font-semibold")
        self.rules()
        ui.label("History").classes("text-lg font-semibold")
        self.history()

    def create(self, key: str) -> None:
        if self.account_id is None:
            return
        try:
            with db.session_scope() as session:
                rule = service.create_from_template(session, self.user_id, key, self.account_id)
                name = rule.name
        except (InvalidRule, AccountNotFound, NotAdmin) as exc:
            ui.notify(str(exc), type="negative")
            return
        ui.notify(f"Rule created: {name}", type="positive")
        self.rules.refresh()

    def evaluate(self, rule_id: int) -> None:
        with db.session_scope() as session:
            rule = service.get_rule(session, self.user_id, rule_id)
            outcome = evaluate_rule(session, rule)
        if outcome.fired:
            ui.notify(f"{len(outcome.fired)} alert(s) fired", type="warning")
        self.rules.refresh()
        self.history.refresh()

    def delete(self, rule_id: int) -> None:
        with db.session_scope() as session:
            service.delete_rule(session, self.user_id, rule_id)
        self.rules.refresh()

    def toggle_mute(self, rule_id: int, muted: bool) -> None:
        with db.session_scope() as session:
            service.set_muted(session, self.user_id, rule_id, muted)
        self.rules.refresh()

    def acknowledge(self, alert_id: int) -> None:
        with db.session_scope() as session:
            service.acknowledge(session, self.user_id, alert_id)
        ui.notify("Acknowledged", type="positive")
        self.history.refresh()

    @ui.refreshable_method
    def rules(self) -> None:
        with db.session_scope() as session:
            rules = service.list_rules(session, self.user_id)
            rows = [
                (r.id, r.name, describe(r), r.state, r.last_evaluated_at, r.last_summary or "", r.muted)
                for r in rules
            ]
        if not rows:
            ui.label("No rules yet: pick a template above.").classes("td-muted")
            return
        for rule_id, name, text, state, evaluated, summary, muted in rows:
            with ui.card().classes("w-full").mark(f"rule-{rule_id}"):
                with ui.row().classes("w-full items-center gap-3"):
                    ui.label(name).classes("font-medium")
                    ui.badge(state, color=STATE_COLORS.get(state, "grey")).mark("rule-state")
                    ui.space()
                    ui.button("Evaluate now", on_click=lambda _, i=rule_id: self.evaluate(i)).props(
                        "flat dense"
                    ).mark(f"evaluate-{rule_id}")
                    ui.button(
                        "Unmute" if muted else "Mute",
                        on_click=lambda _, i=rule_id, m=muted: self.toggle_mute(i, not m),
                    ).props("flat dense")
                    ui.button(icon="delete", on_click=lambda _, i=rule_id: self.delete(i)).props(
                        "flat dense round"
                    )
                ui.label(text).classes("text-sm td-muted")
                ui.label(f"Last evaluated {_when(evaluated)}: {summary}").classes("text-sm")

    @ui.refreshable_method
    def history(self) -> None:
        with db.session_scope() as session:
            alerts = service.list_alerts(session, self.user_id, service.AlertQuery(limit=100))
            rows = [(a.id, a.title, a.message, a.fired_at, a.resolved_at, a.acknowledged_at) for a in alerts]
        if not rows:
            ui.label("No alerts so far.").classes("td-muted")
            return
        for alert_id, title, message, fired, resolved, acked in rows:
            with ui.card().classes("w-full").mark(f"alert-{alert_id}"):
                with ui.row().classes("w-full items-center gap-3"):
                    ui.label(title).classes("font-medium")
                    ui.badge("resolved" if resolved else "open", color="grey" if resolved else "negative")
                    ui.space()
                    if acked:
                        ui.label(f"Acknowledged {_when(acked)}").classes("text-sm td-muted")
                    else:
                        ui.button("Acknowledge", on_click=lambda _, i=alert_id: self.acknowledge(i)).props(
                            "flat dense"
                        ).mark(f"ack-{alert_id}")
                ui.label(message).classes("text-sm")
                ui.label(f"Fired {_when(fired)}").classes("text-xs td-muted")


def register() -> None:
    @ui.page("/alerts", title="Alerts · trafficdash")
    def alerts_page():
        user = page_user()
        if user is None:
            return login_redirect("/alerts")
        page = AlertsPage(user.id)
        with frame("Alerts"):  # the frame draws the bell on every signed-in page
            page.render()
        return None
