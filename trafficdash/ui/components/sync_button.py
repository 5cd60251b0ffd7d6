"""The "Sync now" button: queues the sync of the chosen accounts and follows it live.

The button is disabled from the click until every run has finished, and it re-attaches to a sync
that is already running when the page opens, so it cannot be clicked into two runs (the queue
returns the running job anyway). Progress (phase, percent, rows) is polled from the run rows; at
the end a toast says how it went, and the tab's "synced" event (``on_synced``) redraws its data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nicegui import Event, app, ui

from trafficdash.auth.access import AccountNotFound
from trafficdash.i18n import current_locale, t
from trafficdash.i18n.formatting import format_number
from trafficdash.jobs.enqueue import SyncQueueBusy
from trafficdash.services import syncs
from trafficdash.ui.io import load

POLL_SECONDS = 1.0
_SYNCED_KEY = "sync_button.synced"

AccountsSource = Sequence[int] | Callable[[], Sequence[int]] | None


def _synced() -> Event[[]]:
    """This browser tab's "a sync started here has ended" event (one per tab, in its client storage)."""
    event = app.storage.client.get(_SYNCED_KEY)
    if event is None:
        event = app.storage.client[_SYNCED_KEY] = Event[[]]()
    return event


def on_synced(callback: Callable[[], object]) -> None:
    """Call ``callback`` (sync or async) in this browser tab when a sync started from it ends."""
    _synced().subscribe(callback)


class SyncButton:
    def __init__(
        self,
        user_id: int,
        accounts: AccountsSource = None,
        *,
        label: str | None = None,
        marker: str = "sync-now",
    ) -> None:
        self.locale = current_locale()
        self.user_id = user_id
        self.accounts = accounts
        self.run_ids: list[int] = []
        self.synced = _synced()
        self.label = label or t("sync.now", self.locale)
        with ui.row().classes("items-center gap-3 no-wrap").mark("sync-control") as self.control:
            self.button = (
                ui.button(self.label, icon="sync", on_click=self.start)
                .props("unelevated no-caps color=primary")
                .mark(marker)
            )
            with ui.column().classes("gap-0 min-w-[10rem]") as self.progress_box:
                self.progress_label = ui.label("").classes("text-xs td-muted").mark(f"{marker}-progress")
                self.progress_bar = ui.linear_progress(value=0, show_value=False, size="4px").props("rounded")
        self.progress_box.set_visibility(False)
        self.timer = ui.timer(POLL_SECONDS, self.poll, active=False)
        ui.timer(0.1, self.attach_to_running, once=True)

    def account_ids(self) -> list[int] | None:
        if self.accounts is None:
            return None
        return list(self.accounts() if callable(self.accounts) else self.accounts)

    async def attach_to_running(self) -> None:
        running = await load(syncs.running, self.user_id, self.account_ids())
        if running and not self.run_ids:
            self.follow(running)

    def follow(self, run_ids: list[int]) -> None:
        self.run_ids = run_ids
        self.button.disable()
        # Says what is going on (Quasar's `loading` would blank the label for a faint spinner).
        self.button.text = t("sync.syncing", self.locale)
        self.button.classes(add="td-busy")
        self.progress_label.text = t("sync.phase.queued", self.locale) + "…"
        self.progress_bar.value = 0
        self.progress_box.set_visibility(True)
        self.timer.activate()

    async def start(self) -> None:
        if self.run_ids:  # already following a sync: a second click changes nothing
            return
        self.button.disable()
        ids = self.account_ids()
        try:
            runs = await load(syncs.start, self.user_id, ids or [])
        except (AccountNotFound, SyncQueueBusy) as exc:
            ui.notify(str(exc), type="warning")
            self.button.enable()
            return
        if not runs:
            ui.notify(t("sync.nothing_to_sync", self.locale), type="warning")
            self.button.enable()
            return
        self.follow([r.run_id for r in runs])

    async def poll(self) -> None:
        if not self.run_ids:
            return
        runs = await load(syncs.poll, self.user_id, self.run_ids)
        active = [r for r in runs if not r.finished] or runs
        percent = round(sum(r.percent for r in runs) / len(runs))
        rows = sum(r.rows for r in runs)
        phase = active[0].phase
        self.progress_label.text = t(
            "sync.progress",
            self.locale,
            phase=t(f"sync.phase.{phase}", self.locale, default=phase.replace("_", " ").capitalize()),
            percent=percent,
            rows=format_number(rows, self.locale),
        )
        self.progress_bar.value = percent / 100
        if all(r.finished for r in runs):
            await self.finish(runs)

    async def finish(self, runs: list[syncs.RunStatus]) -> None:
        self.timer.deactivate()
        self.run_ids = []
        self.button.text = self.label
        self.button.classes(remove="td-busy")
        self.button.enable()
        self.progress_box.set_visibility(False)
        failed = [r for r in runs if r.status != "succeeded"]
        rows = sum(r.rows for r in runs)
        if not failed:
            ui.notify(t("sync.finished", self.locale, rows=format_number(rows, self.locale)), type="positive")
        else:
            for r in failed:
                name = r.account_name or f"act_{r.account_id}"
                ui.notify(
                    f"{name}: {r.advice or r.error or t('sync.failed_generic', self.locale)}",
                    type="negative",
                    multi_line=True,
                )
        await self.synced.call()


def sync_button(
    user_id: int, accounts: AccountsSource = None, *, label: str | None = None, marker: str = "sync-now"
) -> SyncButton:
    """A "Sync now" control for these accounts (``None`` = every account the user can see)."""
    return SyncButton(user_id, accounts, label=label, marker=marker)
