"""Accounts (``/accounts``): the connected ad accounts with currency, time zone, last sync and
how fresh their data is."""

from __future__ import annotations

from datetime import timedelta

from nicegui import ui

from trafficdash.analytics.schemas import AccountStatus
from trafficdash.i18n import current_locale, format_time_ago, t
from trafficdash.services import dashboard as data
from trafficdash.ui.account_time import account_time
from trafficdash.ui.components.feedback import no_accounts
from trafficdash.ui.components.styles import add_dashboard_css
from trafficdash.ui.frame import frame
from trafficdash.ui.io import load
from trafficdash.ui.session_user import login_redirect, page_user

# Data older than this reads as stale (amber), older than a week as out of date (red).
FRESH_HOURS = 26
STALE_HOURS = 24 * 7


def freshness_text(hours: float | None, locale: str) -> str:
    if hours is None:
        return t("accounts.never", locale)
    return format_time_ago(timedelta(hours=hours), locale) or t("accounts.fresh_now", locale)


def freshness_tone(hours: float | None) -> str:
    if hours is None or hours > STALE_HOURS:
        return "error"
    return "active" if hours <= FRESH_HOURS else "paused"


def _field(label: str, value: str, *, mark: str | None = None) -> None:
    with ui.column().classes("gap-0 min-w-0"):
        ui.label(label).classes("td-kpi-label")
        element = ui.label(value).classes("text-sm break-words")
        if mark:
            element.mark(mark)


def account_card(account: AccountStatus, locale: str) -> None:
    with ui.column().classes("td-card w-full p-4 gap-3").mark(f"account-{account.id}"):
        with ui.row().classes("w-full items-start justify-between gap-2 no-wrap"):
            with ui.column().classes("gap-0 min-w-0"):
                ui.label(account.name).classes("text-lg font-semibold break-words")
                ui.label(f"act_{account.id}").classes("td-muted text-xs font-mono")
            status_tone = "active" if account.account_status == 1 else "error"
            ui.label(
                t(f"account_status.{account.account_status}", locale, default=str(account.account_status))
            ).classes(f"td-status td-status-{status_tone}")
        with ui.element("div").classes("grid grid-cols-2 sm:grid-cols-3 gap-3 w-full"):
            _field(t("accounts.currency", locale), account.currency, mark="account-currency")
            _field(t("accounts.timezone", locale), account.timezone)
            _field(
                t("accounts.last_sync", locale),
                account_time(account.last_synced_at, account.timezone, locale),
                mark="account-last-sync",
            )
            with ui.column().classes("gap-1"):
                ui.label(t("accounts.freshness", locale)).classes("td-kpi-label")
                ui.label(freshness_text(account.freshness_hours, locale)).classes(
                    f"td-status td-status-{freshness_tone(account.freshness_hours)}"
                ).mark("account-freshness")
            _field(
                t("accounts.connection", locale),
                t(f"connection.{account.connection_status}", locale, default=account.connection_status),
            )
            sync = account.latest_sync_status
            _field(
                t("accounts.sync_status", locale), t(f"sync.{sync}", locale, default=sync) if sync else "—"
            )
        if account.latest_sync_error:
            ui.label(account.latest_sync_error).classes("text-sm text-red-400 break-words")


def register() -> None:
    @ui.page("/accounts", title="Accounts · trafficdash")
    async def accounts_page():
        user = await page_user()
        if user is None:
            return login_redirect("/accounts")
        locale = current_locale()
        async with frame(t("nav.Accounts", locale), user):
            add_dashboard_css()
            accounts = await load(data.accounts, user.id)
            if not accounts:
                no_accounts(locale)
                return None
            ui.label(t("accounts.title", locale)).classes("text-2xl font-semibold")
            with ui.element("div").classes("grid grid-cols-1 lg:grid-cols-2 gap-4 w-full"):
                for account in accounts:
                    account_card(account, locale)
        return None
