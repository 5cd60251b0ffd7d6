"""Page registration: each module adds its routes in ``register()``."""

from __future__ import annotations

from trafficdash.ui.pages import login, overview, settings


def register_pages() -> None:
    overview.register()
    login.register()
    settings.register()
