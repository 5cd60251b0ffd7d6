"""Alerts (``/alerts``): rules with their last evaluation, templates (two clicks to a rule), and history."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from nicegui import ui
from sqlalchemy.orm import Session

from trafficdash import db
from trafficdash.alerts import service
from trafficdash.alerts.evaluation import evaluate_rule
from trafficdash.alerts.rules import TEMPLATES, InvalidRule, describe, template_description
from trafficdash.alerts.wording import alert_wording
from trafficdash.auth.access import AccountNotFound, NotAdmin, visible_accounts
from trafficdash.i18n import NO_VALUE, current_locale, format_datetime, t, tn
from trafficdash.ui.components.section_card import section_card
from trafficdash.ui.frame import frame
from trafficdash.ui.session_user import login_redirect, page_user

SUMMARY_ALERTS = 3  # a firing rule's line shows this many of its alerts
STATE_COLORS = {
    "firing": "negative",
    "ok": "positive",
    "no_data": "grey",
    "snoozed": "warning",
    "muted": "grey",
}


def _when(value: datetime | None) -> str:
    return format_datetime(value.astimezone(), current_locale()) if value else NO_VALUE


def _summary(state: str, stored: str, locale: str) -> str:
    """The stored evaluation summary is English and detailed ("12 checked, none firing"); other
    languages get what the state means."""
    return stored if locale == "en" else t(f"alerts.summary.{state}", locale, default=stored)


class AlertsPage:
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        with db.session_scope() as session:
            accounts = visible_accounts(session, user_id)
            self.accounts = {a.id: a.name for a in accounts}
            self.currencies = {a.id: a.currency for a in accounts}
        self.account_id: int | None = next(iter(self.accounts), None)

    def render(self) -> None:
        if not self.accounts:
            ui.label(t("alerts.connect_first")).classes("td-muted")
            return
        with section_card(t("alerts.templates"), t("alerts.templates.text")):
            ui.select(
                self.accounts,
                value=self.account_id,
                label=t("alerts.account"),
                on_change=lambda e: self._account_chosen(e.value),
            ).props("dark outlined dense").classes("min-w-[16rem]").mark("alert-account")
            self.templates()
        with section_card(t("alerts.rules")):
            self.rules()
        with section_card(t("alerts.history")):
            self.history()

    def _account_chosen(self, account_id: int | None) -> None:
        self.account_id = account_id
        self.templates.refresh()

    @ui.refreshable_method
    def templates(self) -> None:
        """The template cards, their amounts in the chosen account's currency."""
        locale = current_locale()
        currency = self.currencies.get(self.account_id) if self.account_id is not None else None
        with ui.element("div").classes("grid grid-cols-1 sm:grid-cols-2 xl:grid-cols-3 gap-3 w-full"):
            for template in TEMPLATES:
                with ui.column().classes("td-card-inner p-3 gap-1 justify-between"):
                    with ui.column().classes("gap-1"):
                        ui.label(
                            t(f"alerts.template.{template.key}.title", locale, default=template.title)
                        ).classes("font-medium")
                        ui.label(template_description(template, currency, locale)).classes(
                            "text-sm td-muted"
                        ).mark(f"template-{template.key}-description")
                    ui.button(
                        t("alerts.use", locale), icon="add", on_click=lambda _, k=template.key: self.create(k)
                    ).props("flat dense no-caps").mark(f"template-{template.key}")

    def create(self, key: str) -> None:
        if self.account_id is None:
            return
        try:
            with db.session_scope() as session:
                name = t(f"alerts.template.{key}.title", default="")
                overrides = {"name": name} if name else {}
                rule = service.create_from_template(session, self.user_id, key, self.account_id, **overrides)
                name = rule.name
        except (InvalidRule, AccountNotFound, NotAdmin) as exc:
            ui.notify(str(exc), type="negative")
            return
        ui.notify(t("alerts.created", name=name), type="positive")
        self.rules.refresh()

    def evaluate(self, rule_id: int) -> None:
        with db.session_scope() as session:
            rule = service.get_rule(session, self.user_id, rule_id)
            outcome = evaluate_rule(session, rule)
        if outcome.fired:
            ui.notify(tn("alerts.fired", len(outcome.fired)), type="warning")
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
        ui.notify(t("alerts.acknowledged_toast"), type="positive")
        self.history.refresh()

    @ui.refreshable_method
    def rules(self) -> None:
        locale = current_locale()
        with db.session_scope() as session:
            rules = service.list_rules(session, self.user_id)
            firing = self._firing_lines(session, [r.id for r in rules if r.state == "firing"], locale)
            rows = [
                (
                    r.id,
                    r.name,
                    describe(r, locale, self.currencies.get(r.ad_account_id)),
                    r.state,
                    r.last_evaluated_at,
                    firing.get(r.id) or _summary(r.state, r.last_summary or "", locale),
                    r.muted,
                )
                for r in rules
            ]
        if not rows:
            ui.label(t("alerts.no_rules")).classes("td-muted")
            return
        for rule_id, name, text, state, evaluated, summary, muted in rows:
            with ui.column().classes("td-card-inner w-full p-3 gap-1").mark(f"rule-{rule_id}"):
                with ui.row().classes("w-full items-center gap-2"):
                    ui.label(name).classes("font-medium")
                    ui.badge(
                        t(f"alerts.state.{state}", default=state), color=STATE_COLORS.get(state, "grey")
                    ).mark("rule-state")
                    ui.space()
                    ui.button(t("alerts.evaluate"), on_click=lambda _, i=rule_id: self.evaluate(i)).props(
                        "flat dense no-caps"
                    ).mark(f"evaluate-{rule_id}")
                    ui.button(
                        t("alerts.unmute") if muted else t("alerts.mute"),
                        on_click=lambda _, i=rule_id, m=muted: self.toggle_mute(i, not m),
                    ).props("flat dense no-caps")
                    ui.button(icon="delete", on_click=lambda _, i=rule_id: self.delete(i)).props(
                        "flat dense round"
                    ).tooltip(t("alerts.delete"))
                ui.label(text).classes("text-sm td-muted")
                if evaluated:
                    ui.label(t("alerts.last_evaluated", when=_when(evaluated), summary=summary)).classes(
                        "text-sm"
                    )

    def _firing_lines(self, session: Session, rule_ids: list[int], locale: str) -> dict[int, str]:
        """What each firing rule found, in the reader's language (the stored summary is English)."""
        found: dict[int, list[str]] = defaultdict(list)
        query = service.AlertQuery(rule_ids=rule_ids, open_only=True, limit=10_000)
        for alert in service.list_alerts(session, self.user_id, query) if rule_ids else ():
            currency = self.currencies.get(alert.ad_account_id, "")
            found[alert.rule_id].append(alert_wording(alert, currency, locale)[1])  # type: ignore[index]
        lines = {}
        for rule_id, messages in found.items():
            more = len(messages) - SUMMARY_ALERTS
            shown = " ".join(messages[:SUMMARY_ALERTS])
            lines[rule_id] = f"{shown} {t('alerts.more', locale, count=more)}" if more > 0 else shown
        return lines

    @ui.refreshable_method
    def history(self) -> None:
        with db.session_scope() as session:
            alerts = service.list_alerts(session, self.user_id, service.AlertQuery(limit=100))
            locale = current_locale()
            said = [alert_wording(a, self.currencies.get(a.ad_account_id, ""), locale) for a in alerts]
            rows = [
                (a.id, title, message, a.fired_at, a.resolved_at, a.acknowledged_at)
                for a, (title, message) in zip(alerts, said, strict=True)
            ]
        if not rows:
            ui.label(t("alerts.no_alerts")).classes("td-muted")
            return
        for alert_id, title, message, fired, resolved, acked in rows:
            with ui.column().classes("td-card-inner w-full p-3 gap-1").mark(f"alert-{alert_id}"):
                with ui.row().classes("w-full items-center gap-2"):
                    ui.label(title).classes("font-medium")
                    ui.badge(
                        t("alerts.resolved") if resolved else t("alerts.open"),
                        color="grey" if resolved else "negative",
                    )
                    ui.space()
                    if acked:
                        ui.label(t("alerts.acknowledged_at", when=_when(acked))).classes("text-sm td-muted")
                    else:
                        ui.button(
                            t("alerts.acknowledge"), on_click=lambda _, i=alert_id: self.acknowledge(i)
                        ).props("flat dense no-caps").mark(f"ack-{alert_id}")
                ui.label(message).classes("text-sm")
                ui.label(t("alerts.fired_at", when=_when(fired))).classes("text-xs td-muted")


def register() -> None:
    @ui.page("/alerts", title="Alerts · trafficdash")
    def alerts_page():
        user = page_user()
        if user is None:
            return login_redirect("/alerts")
        page = AlertsPage(user.id)
        with frame(t("nav.Alerts")):  # the frame draws the bell on every signed-in page
            page.render()
        return None
