"""Page registration: each module adds its routes in ``register()``."""

from __future__ import annotations

from trafficdash.ui.pages import (
    accounts,
    alerts,
    audience,
    campaigns,
    login,
    overview,
    reports,
    settings,
    sync,
)


def register_pages() -> None:
    overview.register()
    campaigns.register()
    audience.register()
    accounts.register()
    login.register()
    settings.register()
    sync.register()
    reports.register()
    alerts.register()
