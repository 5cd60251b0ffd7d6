"""The shared chrome of every page: header, navigation drawer and content column.

The header also carries "Sync now" and the alert bell, so every page has them; a page scopes the
button to the accounts it shows (``frame(..., sync_accounts=callable)``) and registers what to
redraw when a sync ends with ``sync_button.on_synced``. Both are drawn once the page is built: their
timers wait for the browser, and a timer created earlier would have NiceGUI deliver the page before
its first numbers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from nicegui import context, ui

from trafficdash.i18n import t
from trafficdash.services.users import PageUser
from trafficdash.ui import theme
from trafficdash.ui.components.alert_bell import alert_bell
from trafficdash.ui.components.connection_banner import connection_banner, user_menu
from trafficdash.ui.components.locale_switch import locale_switch
from trafficdash.ui.components.sync_button import AccountsSource, sync_button
from trafficdash.ui.nav import NAV_ITEMS

# On a phone the header's "Sync now" is its icon alone (progress shows in the toast at the end).
# The label is visually hidden rather than display:none: Quasar's layered `.block !important`
# would win, and screen readers still read the button's name.
_HEADER_SYNC_CSS = """
@media (max-width: 599px) {  /* Quasar's xs */
  .td-header-sync .q-btn__content > span.block {
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap;
  }
  .td-header-sync .min-w-\\[10rem\\] { display: none; }
  .td-header-sync .q-btn .q-icon.on-left { margin-right: 0; }
}
"""


@asynccontextmanager
async def frame(
    title: str, user: PageUser, *, sync_accounts: AccountsSource = None
) -> AsyncIterator[ui.column]:
    """The chrome around a signed-in user's page; ``sync_accounts`` scopes the header's "Sync now"
    (None = every account the user can see)."""
    theme.apply_theme()
    current = context.client.page.path if context.client.page else "/"
    with ui.header(elevated=False).classes("td-header items-center no-wrap px-2 sm:px-4 py-2 gap-2 sm:gap-3"):
        menu = ui.button(icon="menu").props("flat round dense color=grey-5").classes("lg:hidden")
        with ui.link(target="/").classes("no-underline flex items-center gap-2"):
            ui.icon("insights", size="28px").style(f"color: {theme.PRIMARY}")
            ui.label("trafficdash").classes("text-xl font-semibold td-gradient-text gt-xs")
        ui.separator().props("vertical dark").classes("mx-2 gt-xs")
        ui.label(title).classes("text-base font-medium td-muted gt-sm").mark("page-title")
        ui.space()
        header_actions = ui.row().classes("items-center gap-2 no-wrap").mark("header-actions")
        locale_switch()
        user_menu(user)
    with (
        ui.left_drawer(value=None, fixed=True)
        .props("width=220 breakpoint=1024 bordered dark")
        .classes("td-drawer p-3") as drawer,
        ui.column().classes("w-full gap-1"),
    ):
        for item in NAV_ITEMS:
            active = "active" if item.path == current else ""
            with ui.link(target=item.path).classes(f"td-nav-link w-full flex items-center gap-3 {active}"):
                ui.icon(item.icon, size="20px")
                ui.label(t(f"nav.{item.label}", default=item.label))
    menu.on_click(drawer.toggle)
    with ui.column().classes("w-full max-w-screen-2xl mx-auto p-4 md:p-6 gap-6") as content:
        connection_banner(user)
        yield content
    with header_actions:
        sync_button(user.id, sync_accounts, marker="sync-now-header").control.classes("td-header-sync")
    ui.add_css(_HEADER_SYNC_CSS)
    alert_bell(header_actions, user.id, user.unread_alerts)
