"""The navigation entries of the shared frame; a page is listed here once it exists."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    icon: str


NAV_ITEMS: list[NavItem] = [
    NavItem("Overview", "/", "space_dashboard"),
    NavItem("Campaigns", "/campaigns", "campaign"),
    NavItem("Audience", "/audience", "groups"),
    NavItem("Accounts", "/accounts", "account_balance_wallet"),
    NavItem("Sync", "/sync", "sync"),
    NavItem("Alerts", "/alerts", "notifications"),
    NavItem("Reports", "/reports", "summarize"),
    NavItem("Settings", "/settings", "settings"),
]
