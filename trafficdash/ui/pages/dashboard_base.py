"""What every dashboard page does first: the signed-in user, the locale, the visible accounts
(or the "connect an account" state) and the filters this browser chose last time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from trafficdash.analytics.errors import AccountNotFound, EntityNotFound, InvalidFilters
from trafficdash.analytics.schemas import AccountStatus, Filters
from trafficdash.i18n import t
from trafficdash.services import dashboard as data
from trafficdash.services.users import PageUser
from trafficdash.ui.components.feedback import no_accounts, toast_error
from trafficdash.ui.components.styles import add_dashboard_css
from trafficdash.ui.frame import frame
from trafficdash.ui.io import load
from trafficdash.ui.state import DashboardState, load_state, save_state

# What a page shows as a toast instead of an error page.
USER_ERRORS = (InvalidFilters, AccountNotFound, EntityNotFound)


@dataclass
class DashboardContext:
    user_id: int
    locale: str
    accounts: list[AccountStatus]
    state: DashboardState

    @property
    def currency(self) -> str | None:
        return self.state.currency(self.accounts)

    def account_ids(self) -> list[int]:
        """The accounts the page shows (one account, or every account in the chosen currency)."""
        return [a.id for a in self.state.selected_accounts(self.accounts)]

    def filters(self, **extra: object) -> Filters | None:
        """The state as service Filters, or None (and a toast) when they cannot be answered."""
        try:
            return self.state.to_filters(self.accounts, **extra)
        except InvalidFilters as exc:
            toast_error(t("filters.invalid", self.locale, message=str(exc)))
            return None


async def open_dashboard(user_id: int, locale: str) -> DashboardContext | None:
    """The visible accounts and this browser's filters; None when no account is connected."""
    accounts = await load(data.accounts, user_id)
    if not accounts:
        return None
    state = load_state()
    state.choose_default_account(accounts)
    state.resolve_dates(accounts)
    save_state(state)
    return DashboardContext(user_id=user_id, locale=locale, accounts=accounts, state=state)


@asynccontextmanager
async def dashboard_frame(title: str, user: PageUser, locale: str) -> AsyncIterator[DashboardContext | None]:
    """The frame of a dashboard page, its header's "Sync now" scoped to the accounts it shows; None
    (after showing the empty state) when no account is connected."""
    ctx = await open_dashboard(user.id, locale)
    async with frame(title, user, sync_accounts=ctx.account_ids if ctx else None):
        add_dashboard_css()
        if ctx is None:
            no_accounts(locale)
        yield ctx
