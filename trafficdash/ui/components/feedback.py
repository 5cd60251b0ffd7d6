"""Loading skeletons, empty states and toasts, in the dashboard's voice."""

from __future__ import annotations

from nicegui import ui

from trafficdash.i18n import format_date, t
from trafficdash.ui.components.empty_state import empty_state
from trafficdash.ui.components.kpi_card import kpi_skeletons


def loading_skeleton(*, kpis: int = 12, charts: int = 1) -> None:
    with ui.column().classes("w-full gap-6").mark("loading"):
        if kpis:
            kpi_skeletons(kpis)
        for _ in range(charts):
            with ui.column().classes("td-card w-full p-4 gap-3"):
                ui.skeleton("text").classes("w-40").props("dark")
                ui.skeleton("rect", height="260px").classes("w-full").props("dark")


def no_accounts(locale: str) -> None:
    with empty_state("link", t("empty.no_accounts.title", locale), t("empty.no_accounts.body", locale)).mark(
        "empty-no-accounts"
    ):
        ui.label("trafficdash connect --access-token TOKEN --email you@example.com").classes(
            "font-mono text-sm td-muted bg-slate-900 rounded px-3 py-2 break-all"
        )


def no_data(since, until, locale: str) -> None:
    empty_state(
        "query_stats",
        t("empty.no_data.title", locale),
        t("empty.no_data.body", locale, since=format_date(since, locale), until=format_date(until, locale)),
    ).mark("empty-no-data")


def first_sync(percent: int, locale: str) -> None:
    """Instead of "no data" while an account's first sync is still bringing its history in."""
    with empty_state(
        "cloud_sync", t("empty.first_sync.title", locale), t("empty.first_sync.body", locale, percent=percent)
    ).mark("empty-first-sync"):
        ui.linear_progress(value=percent / 100, show_value=False).props("rounded color=primary").classes(
            "max-w-md"
        )


def no_rows(locale: str) -> None:
    empty_state("filter_alt_off", t("empty.no_rows.title", locale), t("empty.no_rows.body", locale)).mark(
        "empty-no-rows"
    )


def toast_error(message: str) -> None:
    ui.notify(message, type="negative", position="top", close_button=True, timeout=6000)


def toast_info(message: str) -> None:
    ui.notify(message, type="info", position="top", timeout=2500)
