"""Sync (``/sync``): sync accounts now, follow the run, see the history and edit each account's schedule."""

from __future__ import annotations

from nicegui import ui

from trafficdash.auth.access import AccountNotFound, NotAdmin
from trafficdash.i18n import NO_VALUE, current_locale, format_number, t
from trafficdash.jobs.schedules import InvalidSchedule
from trafficdash.services import syncs
from trafficdash.services.syncs import INTERVAL_CHOICES_MINUTES
from trafficdash.ui.account_time import account_time
from trafficdash.ui.components.section_card import section_card
from trafficdash.ui.components.sync_button import on_synced, sync_button
from trafficdash.ui.components.table_texts import localize_table
from trafficdash.ui.frame import frame
from trafficdash.ui.io import load
from trafficdash.ui.session_user import login_redirect, page_user

STATUS_COLORS = {"succeeded": "positive", "failed": "negative", "abandoned": "warning", "running": "info"}


def frequency_labels(locale: str | None = None) -> dict[int, str]:
    named = {0: "syncpage.freq.off", 60: "syncpage.freq.hour", 1440: "syncpage.freq.day"}
    return {
        m: t(named[m], locale) if m in named else t("syncpage.freq.hours", locale, hours=m // 60)
        for m in INTERVAL_CHOICES_MINUTES
    }


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return NO_VALUE
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


class SyncPage:
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.runs: list[syncs.RunStatus] = []
        self.schedule_rows: list[syncs.ScheduleOut] = []
        self.selected: list[int] = []

    async def load(self) -> None:
        self.runs = await load(syncs.history, self.user_id)
        self.schedule_rows = await load(syncs.schedules, self.user_id)
        self.history.refresh()
        self.schedules.refresh()

    def render(self) -> None:
        with (
            section_card(t("sync.now"), t("syncpage.now.text")),
            ui.row().classes("items-center gap-4 w-full"),
        ):
            self.picker = (
                ui.select({}, multiple=True, label=t("syncpage.accounts"), on_change=self._picked)
                .props("dark outlined dense use-chips clearable")
                .classes("min-w-[18rem]")
                .mark("sync-accounts")
            )
            sync_button(self.user_id, lambda: self.selected)
        with section_card(t("syncpage.schedules"), t("syncpage.schedules.text")):
            self.schedules()
        with section_card(t("syncpage.history")):
            self.history()

    def _picked(self, event) -> None:
        self.selected = [int(v) for v in (event.value or [])]

    @ui.refreshable_method
    def schedules(self) -> None:
        if not self.schedule_rows:
            ui.label(t("syncpage.no_accounts")).classes("td-muted")
            return
        self.picker.set_options(
            {s.account_id: s.account_name or f"act_{s.account_id}" for s in self.schedule_rows}
        )
        locale = current_locale()
        for row in self.schedule_rows:
            with ui.row().classes("items-center gap-4 w-full").mark(f"schedule-{row.account_id}"):
                with ui.column().classes("gap-0 min-w-[14rem]"):
                    ui.label(row.account_name or f"act_{row.account_id}").classes("font-medium")
                    ui.label(row.timezone_name).classes("text-xs td-muted")
                frequency = (
                    ui.select(
                        frequency_labels(locale), value=row.interval_minutes, label=t("syncpage.frequency")
                    )
                    .props("dark outlined dense")
                    .classes("w-48")
                    .mark(f"frequency-{row.account_id}")
                )
                nightly = ui.switch(t("syncpage.nightly"), value=row.nightly_enabled).mark(
                    f"nightly-{row.account_id}"
                )
                hour = (
                    ui.select(
                        {h: f"{h:02d}:00" for h in range(24)}, value=row.nightly_hour, label=t("syncpage.at")
                    )
                    .props("dark outlined dense")
                    .classes("w-24")
                )
                with ui.column().classes("gap-0 text-xs td-muted"):
                    next_sync = account_time(row.next_sync_at, row.timezone_name, locale)
                    ui.label(t("syncpage.next_sync", when=next_sync)).mark(f"next-sync-{row.account_id}")
                    nightly_at = account_time(
                        row.next_nightly_at if row.nightly_enabled else None, row.timezone_name, locale
                    )
                    ui.label(t("syncpage.next_nightly", when=nightly_at))

                async def save(_=None, account_id=row.account_id, f=frequency, n=nightly, h=hour) -> None:
                    try:
                        await load(syncs.save_schedule, self.user_id, account_id, f.value, n.value, h.value)
                    except (AccountNotFound, NotAdmin, InvalidSchedule) as exc:
                        ui.notify(str(exc), type="negative")
                        return
                    ui.notify(t("syncpage.saved"), type="positive")
                    await self.load()

                frequency.on_value_change(save)
                nightly.on_value_change(save)
                hour.on_value_change(save)

    @ui.refreshable_method
    def history(self) -> None:
        if not self.runs:
            ui.label(t("syncpage.no_runs")).classes("td-muted").mark("history-empty")
            return
        locale = current_locale()
        # Like the schedules above: every time on this page is wall-clock time in its account's zone.
        zones = {s.account_id: s.timezone_name for s in self.schedule_rows}
        rows = [
            {
                "id": r.run_id,
                "account": r.account_name or f"act_{r.account_id}",
                "trigger": t(f"syncpage.trigger.{r.trigger}", locale, default=r.trigger.replace("_", " ")),
                "started": account_time(r.started_at or r.created_at, zones.get(r.account_id), locale),
                "duration": _duration(r.duration_seconds),
                "rows": format_number(r.rows, locale),
                "status": r.status,
                "status_label": t(f"sync.{r.status}", locale, default=r.status),
                "error": r.advice or "",
            }
            for r in self.runs
        ]
        self._history_table(rows)
        self._history_list(rows)

    def _history_table(self, rows: list[dict]) -> None:
        """Wider screens: every column."""
        columns = [
            {"name": name, "label": t(f"syncpage.col.{name}"), "field": name, "align": align}
            for name, align in (
                ("account", "left"),
                ("trigger", "left"),
                ("started", "left"),
                ("duration", "right"),
                ("rows", "right"),
                ("status", "left"),
                ("error", "left"),
            )
        ]
        table = (
            ui.table(columns=columns, rows=rows, row_key="id")
            .props("dark flat dense")
            .classes("w-full gt-xs")
        )
        localize_table(table, current_locale())
        table.add_slot(
            "body-cell-status",
            "<q-td :props='props'><q-badge :color=\"{"
            + ", ".join(f"{k}: '{v}'" for k, v in STATUS_COLORS.items())
            + "}[props.value] || 'grey'\" :label='props.row.status_label' /></q-td>",
        )
        table.mark("sync-history")

    def _history_list(self, rows: list[dict]) -> None:
        """Phones: one compact entry per run instead of a table scrolling sideways."""
        with ui.column().classes("w-full gap-0 xs"):
            for row in rows:
                with ui.column().classes("w-full gap-0 py-2 border-b border-slate-700"):
                    with ui.row().classes("w-full items-center justify-between no-wrap"):
                        ui.label(row["account"]).classes("font-medium")
                        ui.badge(row["status_label"], color=STATUS_COLORS.get(row["status"], "grey"))
                    ui.label(
                        " · ".join(
                            (
                                row["started"],
                                row["trigger"],
                                row["duration"],
                                t("syncpage.rows", rows=row["rows"]),
                            )
                        )
                    ).classes("text-xs td-muted")
                    if row["error"]:
                        ui.label(row["error"]).classes("text-xs text-red-300")


def register() -> None:
    @ui.page("/sync", title="Sync · trafficdash")
    async def sync_page():
        user = await page_user()
        if user is None:
            return login_redirect("/sync")
        page = SyncPage(user.id)
        async with frame(
            t("nav.Sync"), user
        ):  # the frame draws the header's "Sync now" on every signed-in page
            page.render()
        on_synced(page.load)
        await page.load()
        return None
