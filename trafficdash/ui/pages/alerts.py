"""Alerts (``/alerts``): rules with their last evaluation, templates (two clicks to a rule), and history."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui

from trafficdash.alerts.rules import TEMPLATES, InvalidRule, template_description
from trafficdash.auth.access import AccountNotFound, NotAdmin
from trafficdash.i18n import NO_VALUE, current_locale, format_datetime, t, tn
from trafficdash.services import alerts
from trafficdash.ui.components.section_card import section_card
from trafficdash.ui.frame import frame
from trafficdash.ui.io import load
from trafficdash.ui.session_user import login_redirect, page_user

STATE_COLORS = {
    "firing": "negative",
    "ok": "positive",
    "no_data": "grey",
    "snoozed": "warning",
    "muted": "grey",
}


def _when(value: datetime | None) -> str:
    return format_datetime(value.astimezone(), current_locale()) if value else NO_VALUE


class AlertsPage:
    def __init__(self, user_id: int, accounts: alerts.AlertAccounts) -> None:
        self.user_id = user_id
        self.accounts = accounts.names
        self.currencies = accounts.currencies
        self.account_id: int | None = next(iter(self.accounts), None)

    async def render(self) -> None:
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
            await self.rules()
        with section_card(t("alerts.history")):
            await self.history()

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

    async def create(self, key: str) -> None:
        if self.account_id is None:
            return
        try:
            name = await load(
                alerts.create_from_template,
                self.user_id,
                key,
                self.account_id,
                t(f"alerts.template.{key}.title", default=""),
            )
        except (InvalidRule, AccountNotFound, NotAdmin) as exc:
            ui.notify(str(exc), type="negative")
            return
        ui.notify(t("alerts.created", name=name), type="positive")
        self.rules.refresh()

    async def evaluate(self, rule_id: int) -> None:
        fired = await load(alerts.evaluate, self.user_id, rule_id)
        if fired:
            ui.notify(tn("alerts.fired", fired), type="warning")
        self.rules.refresh()
        self.history.refresh()

    async def delete(self, rule_id: int) -> None:
        await load(alerts.delete_rule, self.user_id, rule_id)
        self.rules.refresh()

    async def toggle_mute(self, rule_id: int, muted: bool) -> None:
        await load(alerts.set_muted, self.user_id, rule_id, muted)
        self.rules.refresh()

    async def acknowledge(self, alert_id: int) -> None:
        await load(alerts.acknowledge, self.user_id, alert_id)
        ui.notify(t("alerts.acknowledged_toast"), type="positive")
        self.history.refresh()

    @ui.refreshable_method
    async def rules(self) -> None:
        rows = await load(alerts.rule_lines, self.user_id, self.currencies, current_locale())
        if not rows:
            ui.label(t("alerts.no_rules")).classes("td-muted")
            return
        for rule in rows:
            with ui.column().classes("td-card-inner w-full p-3 gap-1").mark(f"rule-{rule.id}"):
                with ui.row().classes("w-full items-center gap-2"):
                    ui.label(rule.name).classes("font-medium")
                    ui.badge(
                        t(f"alerts.state.{rule.state}", default=rule.state),
                        color=STATE_COLORS.get(rule.state, "grey"),
                    ).mark("rule-state")
                    ui.space()
                    ui.button(t("alerts.evaluate"), on_click=lambda _, i=rule.id: self.evaluate(i)).props(
                        "flat dense no-caps"
                    ).mark(f"evaluate-{rule.id}")
                    ui.button(
                        t("alerts.unmute") if rule.muted else t("alerts.mute"),
                        on_click=lambda _, i=rule.id, m=rule.muted: self.toggle_mute(i, not m),
                    ).props("flat dense no-caps")
                    ui.button(icon="delete", on_click=lambda _, i=rule.id: self.delete(i)).props(
                        "flat dense round"
                    ).tooltip(t("alerts.delete"))
                ui.label(rule.description).classes("text-sm td-muted")
                if rule.last_evaluated_at:
                    ui.label(
                        t("alerts.last_evaluated", when=_when(rule.last_evaluated_at), summary=rule.summary)
                    ).classes("text-sm")

    @ui.refreshable_method
    async def history(self) -> None:
        rows = await load(alerts.history, self.user_id, self.currencies, current_locale())
        if not rows:
            ui.label(t("alerts.no_alerts")).classes("td-muted")
            return
        for line in rows:
            with ui.column().classes("td-card-inner w-full p-3 gap-1").mark(f"alert-{line.id}"):
                with ui.row().classes("w-full items-center gap-2"):
                    ui.label(line.title).classes("font-medium")
                    ui.badge(
                        t("alerts.resolved") if line.resolved_at else t("alerts.open"),
                        color="grey" if line.resolved_at else "negative",
                    )
                    ui.space()
                    if line.acknowledged_at:
                        ui.label(t("alerts.acknowledged_at", when=_when(line.acknowledged_at))).classes(
                            "text-sm td-muted"
                        )
                    else:
                        ui.button(
                            t("alerts.acknowledge"), on_click=lambda _, i=line.id: self.acknowledge(i)
                        ).props("flat dense no-caps").mark(f"ack-{line.id}")
                ui.label(line.message).classes("text-sm")
                ui.label(t("alerts.fired_at", when=_when(line.fired_at))).classes("text-xs td-muted")


def register() -> None:
    @ui.page("/alerts", title="Alerts · trafficdash")
    async def alerts_page():
        user = await page_user()
        if user is None:
            return login_redirect("/alerts")
        page = AlertsPage(user.id, await load(alerts.alert_accounts, user.id))
        async with frame(t("nav.Alerts"), user):  # the frame draws the bell on every signed-in page
            await page.render()
        return None
