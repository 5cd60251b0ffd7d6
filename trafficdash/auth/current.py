"""The signed-in user of a browser session (NiceGUI user storage, keyed by the session cookie).

Sessions end on logout or after ``settings.session_idle_minutes`` without a request. Signing in and
out give the browser a new session id.
"""

from __future__ import annotations

import time
import uuid

from nicegui import app
from nicegui.persistence import PersistentDict
from nicegui.storage import request_contextvar

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
        _forget_user(storage)
        return None
    if now - last_seen > LAST_SEEN_RESOLUTION_SECONDS:
        storage[LAST_SEEN_KEY] = now
    return int(value)


async def sign_in(user_id: int) -> None:
    """Sign the browser in under a new session id.

    A session id known before sign-in may be someone else's: one an attacker obtained and planted
    in this browser (session fixation). The old id keeps nothing that signs anyone in.
    """
    storage = await _new_session(carry_over=True)
    storage[SESSION_USER_KEY] = user_id
    storage[LAST_SEEN_KEY] = time.time()


async def sign_out() -> None:
    """End the session: the old id is signed out, and the browser continues under a new, empty one."""
    await _new_session(carry_over=False)


def _forget_user(storage: PersistentDict) -> None:
    # Key by key, not clear(): each change is published to the other web replicas (Redis sessions).
    storage.pop(SESSION_USER_KEY, None)
    storage.pop(LAST_SEEN_KEY, None)


async def _new_session(*, carry_over: bool) -> PersistentDict:
    """Give the browser a new session id (in the signed session cookie of this request's response)
    with its own user storage; ``carry_over`` copies what the old one held (language, dashboard
    choices). Only inside an HTTP request: the cookie is set on its response."""
    request = request_contextvar.get()
    if request is None:
        raise RuntimeError("a browser session can only change during an HTTP request")
    users = app.storage._users  # NiceGUI has no public API to move a user's storage to a new id
    old = users.get(request.session.get("id", ""))
    new_id = str(uuid.uuid4())
    await app.storage._create_user_storage(new_id)
    new = users[new_id]
    if old is not None:
        if carry_over:
            new.update(old)
        _forget_user(old)
    request.session["id"] = new_id
    return new
