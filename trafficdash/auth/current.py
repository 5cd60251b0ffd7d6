"""The signed-in user of a browser session (NiceGUI user storage, keyed by the session cookie).

Sessions end on logout or after ``settings.session_idle_minutes`` without a request.
"""

from __future__ import annotations

import time

from nicegui import app

from trafficdash.settings import get_settings

SESSION_USER_KEY = "user_id"
LAST_SEEN_KEY = "last_seen"
# Refreshing "last seen" on every request would write the storage (and Redis) constantly.
LAST_SEEN_RESOLUTION_SECONDS = 60


def signed_in_user_id() -> int | None:
    try:
        storage = app.storage.user
    except (RuntimeError, AssertionError):  # no request context (API call without a browser session)
        return None
    value = storage.get(SESSION_USER_KEY)
    if value is None:
        return None
    now = time.time()
    last_seen = float(storage.get(LAST_SEEN_KEY) or 0)
    idle_limit = get_settings().session_idle_minutes * 60
    if last_seen and now - last_seen > idle_limit:
        sign_out()
        return None
    if now - last_seen > LAST_SEEN_RESOLUTION_SECONDS:
        storage[LAST_SEEN_KEY] = now
    return int(value)


def sign_in(user_id: int) -> None:
    app.storage.user[SESSION_USER_KEY] = user_id
    app.storage.user[LAST_SEEN_KEY] = time.time()


def sign_out() -> None:
    app.storage.user.pop(SESSION_USER_KEY, None)
    app.storage.user.pop(LAST_SEEN_KEY, None)
