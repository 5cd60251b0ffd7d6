"""Browser sessions: NiceGUI user storage behind a signed cookie, shared through Redis when set.

With ``TRAFFICDASH_REDIS_URL`` every web replica reads the same session data (NiceGUI's
RedisPersistentDict), so a user keeps their login whichever replica answers.
"""

from __future__ import annotations

import os
from typing import Any

from nicegui.storage import Storage

from trafficdash.redis_conn import url_with_timeouts
from trafficdash.settings import Settings

SESSION_KEY_PREFIX = "trafficdash:session:"


def configure_session_storage(settings: Settings, *, shared: bool | None = None) -> None:
    """Keep sessions in Redis when ``settings.shared_sessions`` (``shared`` forces the choice).

    NiceGUI reads NICEGUI_REDIS_URL once at import; the storage class consults these attributes
    whenever it creates a user's storage, so setting them before the first request is enough.
    In-process test clients run a new event loop per request, which NiceGUI's async Redis dict
    cannot outlive: they set ``TRAFFICDASH_SESSION_STORE=local``.
    """
    if shared is None:
        shared = settings.shared_sessions
    url = (settings.redis_url or os.environ.get("NICEGUI_REDIS_URL")) if shared else None
    # NiceGUI builds its clients from the URL alone: the timeouts travel in it.
    Storage.redis_url = url_with_timeouts(url, settings) if url else None
    if url:
        Storage.redis_key_prefix = SESSION_KEY_PREFIX


def session_cookie_options(settings: Settings) -> dict[str, Any]:
    """Starlette SessionMiddleware options: HTTP-only always, Secure when served over https.

    The cookie is re-issued on every response, so its lifetime slides like the idle timeout.
    """
    return {
        "https_only": settings.cookies_secure,
        "same_site": "lax",  # the OAuth callback is a top-level GET from Meta: lax keeps the state cookie
        "max_age": max(60, settings.session_idle_minutes * 60),
    }
