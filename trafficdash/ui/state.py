"""What the dashboard pages are asked to show: one small dataclass, kept per browser in user
storage so the filters follow the user from page to page.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trafficdash.analytics.date_presets import resolve_preset
from trafficdash.analytics.schemas import AccountStatus, Filters

STORAGE_KEY = "dashboard_filters"
DEFAULT_PRESET = "last_30d"


def today_in(timezone_name: str) -> date:
    """Today in the ad account's time zone (insight dates are account-local)."""
    try:
        zone = ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


@dataclass
class DashboardState:
    # "cur:BRL" = every account in that currency; "acc:123" = one account.
    account_key: str = ""
    preset: str = DEFAULT_PRESET  # a date_presets name, or "custom"
    since: date | None = None
    until: date | None = None
    compare: str = "previous"  # none | previous | custom
    compare_since: date | None = None
    compare_until: date | None = None
    statuses: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    search: str = ""

    # --- the account selector -------------------------------------------------------------
    def choose_default_account(self, accounts: list[AccountStatus]) -> None:
        """Keep a still-valid choice; otherwise the currency with the most accounts."""
        keys = {f"acc:{a.id}" for a in accounts} | {f"cur:{a.currency}" for a in accounts}
        if self.account_key in keys:
            return
        counts: dict[str, int] = {}
        for account in accounts:
            counts[account.currency] = counts.get(account.currency, 0) + 1
        self.account_key = f"cur:{max(counts, key=lambda c: (counts[c], c == 'BRL', c))}" if counts else ""

    def selected_accounts(self, accounts: list[AccountStatus]) -> list[AccountStatus]:
        kind, _, value = self.account_key.partition(":")
        if kind == "acc":
            return [a for a in accounts if str(a.id) == value]
        return [a for a in accounts if a.currency == value]

    def currency(self, accounts: list[AccountStatus]) -> str | None:
        selected = self.selected_accounts(accounts)
        return selected[0].currency if selected else None

    def timezone(self, accounts: list[AccountStatus]) -> str:
        selected = self.selected_accounts(accounts)
        return selected[0].timezone if selected else "UTC"

    # --- dates ----------------------------------------------------------------------------
    def resolve_dates(self, accounts: list[AccountStatus]) -> None:
        """A preset is re-resolved on every visit (so "yesterday" moves with the calendar)."""
        if self.compare == "custom" and not (self.compare_since and self.compare_until):
            self.compare = "previous"
        if self.preset != "custom" or self.since is None or self.until is None:
            if self.preset == "custom":
                self.preset = DEFAULT_PRESET
            self.since, self.until = resolve_preset(self.preset, today_in(self.timezone(accounts)))

    def apply_preset(self, preset: str, accounts: list[AccountStatus]) -> None:
        self.preset = preset
        self.since, self.until = resolve_preset(preset, today_in(self.timezone(accounts)))

    def apply_custom(self, since: date, until: date) -> None:
        self.preset = "custom"
        self.since, self.until = min(since, until), max(since, until)

    # --- to the service -------------------------------------------------------------------
    def to_filters(self, accounts: list[AccountStatus], **extra: Any) -> Filters:
        """Raises InvalidFilters (with a message fit for a toast) for an impossible question."""
        assert self.since is not None and self.until is not None, "resolve_dates() first"
        kind, _, value = self.account_key.partition(":")
        # A currency choice stays "every account in that currency", exactly as the API reads it.
        account_ids = [a.id for a in self.selected_accounts(accounts)] if kind == "acc" else []
        values: dict[str, Any] = {
            "account_ids": account_ids,
            "currency": value if kind == "cur" else None,
            "since": self.since,
            "until": self.until,
            "compare": self.compare,
            "compare_since": self.compare_since if self.compare == "custom" else None,
            "compare_until": self.compare_until if self.compare == "custom" else None,
            "statuses": self.statuses or None,
            "objectives": self.objectives or None,
            "search": self.search or None,
        }
        values.update(extra)
        if values["compare"] != "custom":
            values["compare_since"] = values["compare_until"] = None
        return Filters(**values)

    # --- persistence ----------------------------------------------------------------------
    def to_storage(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("since", "until", "compare_since", "compare_until"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_storage(cls, data: dict[str, Any] | None) -> DashboardState:
        if not data:
            return cls()
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("since", "until", "compare_since", "compare_until"):
            raw = values.get(key)
            try:
                values[key] = date.fromisoformat(raw) if raw else None
            except (TypeError, ValueError):
                values[key] = None
        try:
            return cls(**values)
        except TypeError:
            return cls()


def load_state() -> DashboardState:
    from nicegui import app

    try:
        return DashboardState.from_storage(app.storage.user.get(STORAGE_KEY))
    except (RuntimeError, AssertionError):
        return DashboardState()


def save_state(state: DashboardState) -> None:
    from nicegui import app

    with contextlib.suppress(RuntimeError, AssertionError):
        app.storage.user[STORAGE_KEY] = state.to_storage()
