"""The filter bar every dashboard page shares: account (grouped by currency), date range with
presets, comparison, and on the tables status / objective / name search.

It only edits a DashboardState and calls ``on_change``; the page decides what to reload.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from nicegui import ui

from trafficdash.analytics.date_presets import PRESETS
from trafficdash.analytics.schemas import AccountStatus
from trafficdash.i18n import format_date_range, t
from trafficdash.ui.state import DashboardState, save_state

OnChange = Callable[[], Awaitable[None] | None]

# Meta's campaign effective statuses and (ODAX) objectives that a marketer filters by.
STATUS_CHOICES = ("ACTIVE", "PAUSED", "CAMPAIGN_PAUSED", "ADSET_PAUSED", "WITH_ISSUES", "ARCHIVED")
OBJECTIVE_CHOICES = (
    "OUTCOME_SALES",
    "OUTCOME_LEADS",
    "OUTCOME_TRAFFIC",
    "OUTCOME_ENGAGEMENT",
    "OUTCOME_AWARENESS",
    "OUTCOME_APP_PROMOTION",
)


def account_options(accounts: list[AccountStatus], locale: str) -> dict[str, str]:
    """Per currency: "All BRL accounts (n)" first, then that currency's accounts."""
    options: dict[str, str] = {}
    for currency in sorted({a.currency for a in accounts}):
        members = [a for a in accounts if a.currency == currency]
        options[f"cur:{currency}"] = (
            f"{t('filters.all_currency', locale, currency=currency)} ({len(members)})"
        )
        for account in sorted(members, key=lambda a: a.name.lower()):
            options[f"acc:{account.id}"] = f"{currency} · {account.name}"
    return options


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class FilterBar:
    def __init__(
        self,
        state: DashboardState,
        accounts: list[AccountStatus],
        locale: str,
        on_change: OnChange,
        *,
        entity_filters: bool = False,
    ) -> None:
        self.state = state
        self.accounts = accounts
        self.locale = locale
        self.on_change = on_change
        with ui.row().classes("td-filterbar w-full items-center gap-2").mark("filter-bar"):
            self.account = (
                ui.select(
                    account_options(accounts, locale),
                    value=state.account_key,
                    label=t("filters.account", locale),
                    on_change=self._account_changed,
                )
                .props("dense outlined dark options-dense behavior=menu")
                .classes("min-w-[200px] grow sm:grow-0")
                .props("data-testid=account-select")
                .mark("account-select")
            )
            self._date_button()
            self.compare = (
                ui.select(
                    {
                        "previous": t("filters.compare_previous", locale),
                        "none": t("filters.compare_none", locale),
                        "custom": t("filters.compare_custom", locale),
                    },
                    value=state.compare,
                    label=t("filters.compare", locale),
                    on_change=self._compare_changed,
                )
                .props("dense outlined dark options-dense behavior=menu")
                .classes("min-w-[170px] grow sm:grow-0")
                .mark("compare-select")
            )
            self._compare_range_button()
            if entity_filters:
                self._entity_filters()

    # --- date range -------------------------------------------------------------------------
    def _range_text(self) -> str:
        assert self.state.since and self.state.until
        prefix = t(f"preset.{self.state.preset}", self.locale)
        return f"{prefix} · {format_date_range(self.state.since, self.state.until, self.locale)}"

    def _date_button(self) -> None:
        with (
            ui.button(icon="event")
            .props("outline no-caps no-wrap color=grey-4")
            .classes("td-chip-btn grow sm:grow-0 max-w-full")
            .mark("date-button") as button
        ):
            self.range_label = (
                ui.label(self._range_text()).classes("text-sm ellipsis").mark("date-range-label")
            )
            with (
                ui.menu().props("anchor='bottom left' self='top left'").classes("bg-slate-800") as menu,
                ui.row().classes("p-2 gap-2 no-wrap items-start"),
            ):
                with ui.column().classes("gap-1 min-w-[140px]"):
                    for preset in PRESETS:
                        ui.button(
                            t(f"preset.{preset}", self.locale),
                            on_click=lambda p=preset: self._preset_chosen(p, menu),
                        ).props(
                            f"flat no-caps align=left {'color=primary' if self.state.preset == preset else 'color=grey-4'}"
                        ).classes("w-full").mark(f"preset-{preset}")
                with ui.column().classes("gap-1"):
                    value = {"from": _iso(self.state.since), "to": _iso(self.state.until)}
                    self.custom_range = (
                        ui.date(value).props("range dark minimal color=primary").mark("custom-range")
                    )
                    with ui.row().classes("w-full justify-end gap-2"):
                        ui.button(t("filters.cancel", self.locale), on_click=menu.close).props("flat no-caps")
                        ui.button(
                            t("filters.apply", self.locale), on_click=lambda: self._custom_chosen(menu)
                        ).props("unelevated no-caps color=primary").mark("apply-custom")
        self.date_button = button

    async def _preset_chosen(self, preset: str, menu: ui.menu) -> None:
        menu.close()
        self.state.apply_preset(preset, self.accounts)
        await self._changed()

    async def _custom_chosen(self, menu: ui.menu) -> None:
        since, until = _parse_range(self.custom_range.value)
        if since is None or until is None:
            return
        menu.close()
        self.state.apply_custom(since, until)
        await self._changed()

    # --- comparison -------------------------------------------------------------------------
    def _compare_range_button(self) -> None:
        state = self.state
        with (
            ui.button(icon="compare_arrows")
            .props("outline no-caps color=grey-4")
            .classes("td-chip-btn")
            .bind_visibility_from(self.compare, "value", backward=lambda v: v == "custom")
            .mark("compare-range-button")
        ):
            text = (
                format_date_range(state.compare_since, state.compare_until, self.locale)
                if state.compare_since and state.compare_until
                else t("filters.compare_since", self.locale)
            )
            self.compare_label = ui.label(text).classes("text-sm")
            with ui.menu().classes("bg-slate-800") as menu, ui.column().classes("p-2 gap-1"):
                value = {"from": _iso(state.compare_since), "to": _iso(state.compare_until)}
                self.compare_range = (
                    ui.date(value).props("range dark minimal color=secondary").mark("compare-range")
                )
                with ui.row().classes("w-full justify-end gap-2"):
                    ui.button(t("filters.cancel", self.locale), on_click=menu.close).props("flat no-caps")
                    ui.button(
                        t("filters.apply", self.locale), on_click=lambda: self._compare_range_chosen(menu)
                    ).props("unelevated no-caps color=secondary").mark("apply-compare")

    async def _compare_changed(self) -> None:
        self.state.compare = self.compare.value
        if self.state.compare == "custom" and not (self.state.compare_since and self.state.compare_until):
            return  # wait for the custom range before asking
        await self._changed()

    async def _compare_range_chosen(self, menu: ui.menu) -> None:
        since, until = _parse_range(self.compare_range.value)
        if since is None or until is None:
            return
        menu.close()
        self.state.compare_since, self.state.compare_until = since, until
        self.compare_label.text = format_date_range(since, until, self.locale)
        await self._changed()

    # --- accounts and entity filters --------------------------------------------------------
    async def _account_changed(self) -> None:
        if not self.account.value or self.account.value == self.state.account_key:
            return
        self.state.account_key = self.account.value
        if self.state.preset != "custom":  # "today" depends on the account's time zone
            self.state.apply_preset(self.state.preset, self.accounts)
        await self._changed()

    def _entity_filters(self) -> None:
        locale = self.locale
        self.status = (
            ui.select(
                {s: t(f"status.{s}", locale) for s in STATUS_CHOICES},
                value=list(self.state.statuses),
                multiple=True,
                label=t("filters.status", locale),
                on_change=self._entity_filter_changed,
            )
            .props("dense outlined dark options-dense use-chips clearable behavior=menu")
            .classes("min-w-[150px] grow sm:grow-0")
            .mark("status-select")
        )
        self.objective = (
            ui.select(
                {o: t(f"objective.{o}", locale) for o in OBJECTIVE_CHOICES},
                value=list(self.state.objectives),
                multiple=True,
                label=t("filters.objective", locale),
                on_change=self._entity_filter_changed,
            )
            .props("dense outlined dark options-dense use-chips clearable behavior=menu")
            .classes("min-w-[150px] grow sm:grow-0")
            .mark("objective-select")
        )
        self.search = (
            ui.input(t("filters.search", locale), value=self.state.search)
            .props("dense outlined dark clearable debounce=350")
            .classes("min-w-[180px] grow")
            .mark("search-input")
        )
        self.search.on_value_change(self._entity_filter_changed)
        with self.search.add_slot("prepend"):
            ui.icon("search")

    async def _entity_filter_changed(self) -> None:
        self.state.statuses = list(self.status.value or [])
        self.state.objectives = list(self.objective.value or [])
        self.state.search = (self.search.value or "").strip()
        await self._changed()

    async def _changed(self) -> None:
        self.range_label.text = self._range_text()
        save_state(self.state)
        result = self.on_change()
        if result is not None:
            await result


def _parse_range(value: object) -> tuple[date | None, date | None]:
    """Quasar's range date answers {"from","to"} or a single "YYYY-MM-DD" when one day is picked."""
    try:
        if isinstance(value, dict):
            return date.fromisoformat(value["from"]), date.fromisoformat(value["to"])
        if isinstance(value, str) and value:
            day = date.fromisoformat(value)
            return day, day
    except (KeyError, TypeError, ValueError):
        pass
    return None, None
