"""The signed-in user of a browser session (NiceGUI user storage, keyed by the session cookie)."""

from __future__ import annotations

from nicegui import app

SESSION_USER_KEY = "user_id"


def signed_in_user_id() -> int | None:
    try:
        value = app.storage.user.get(SESSION_USER_KEY)
    except (RuntimeError, AssertionError):  # no request context (API call without a browser session)
        return None
    return int(value) if value is not None else None


def sign_in(user_id: int) -> None:
    app.storage.user[SESSION_USER_KEY] = user_id


def sign_out() -> None:
    app.storage.user.pop(SESSION_USER_KEY, None)
