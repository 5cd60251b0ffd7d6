"""What a failed Graph call means for the caller: retry, wait, re-authorise, split, or give up.

``classify`` turns the SDK's ``FacebookRequestError`` (and network failures under it) into one
``MetaError`` with a ``kind`` the sync acts on, so no caller inspects error codes itself.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import requests
from facebook_business.exceptions import FacebookRequestError

# Throttling families: app (4), user (17), page (32), custom rate (613), ads (80000-80014).
THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
TRANSIENT_CODES = frozenset({1, 2})
PERMISSION_CODES = frozenset({10, 200, *range(201, 300)})
TOKEN_CODE = 190
# 190 subcodes: 458 app removed, 459 checkpoint, 460 password changed, 463 expired, 464 unconfirmed, 467 invalid.
TOKEN_SUBCODES = {
    458: "the app was removed from the user's Facebook settings",
    459: "the user must log in to Facebook to pass a security checkpoint",
    460: "the user changed their Facebook password or Meta reset the session",
    463: "the access token expired",
    464: "the user is not confirmed on Facebook",
    467: "the access token is invalid",
}
TOO_MUCH_DATA_TEXT = "reduce the amount of data"


class ErrorKind(StrEnum):
    TOKEN = "token_expired"  # stop using this token; the user must reconnect
    PERMISSION = "permission"  # this user may not read this account; try another user
    THROTTLED = "throttled"  # wait (estimated time), then retry
    TRANSIENT = "transient"  # retry with backoff
    TOO_MUCH_DATA = "too_much_data"  # ask for less: async run, shorter range, lower level
    INVALID = "invalid_request"  # our request is wrong: a bug, never retried


class MetaError(Exception):
    """A classified Graph failure."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        # Seconds Meta asked us to wait (from the error or the usage headers), if it said.
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in (ErrorKind.THROTTLED, ErrorKind.TRANSIENT)

    def describe(self) -> str:
        code = f" (code {self.code}" + (f"/{self.subcode}" if self.subcode else "") + ")" if self.code else ""
        return f"{self.message}{code}"


class AsyncReportFailed(MetaError):
    """An async report run ended in "Job Failed" / "Job Skipped" or did not finish in time."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorKind.TRANSIENT, message)


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    try:
        value = headers.get(name)
        if value is None:
            value = {k.lower(): v for k, v in dict(headers).items()}.get(name.lower())
        return value
    except (AttributeError, TypeError):
        return None


def regain_seconds_from_headers(headers: Any) -> float | None:
    """``estimated_time_to_regain_access`` (minutes) from X-Business-Use-Case-Usage, in seconds."""
    raw = _header(headers, "x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except (TypeError, ValueError):
        return None
    minutes = 0.0
    for entries in (usage or {}).values():
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, dict):
                minutes = max(minutes, float(entry.get("estimated_time_to_regain_access") or 0))
    return minutes * 60 if minutes else None


def classify(exc: BaseException) -> MetaError:
    """The ``MetaError`` for any failure of an SDK call (already-classified errors pass through)."""
    if isinstance(exc, MetaError):
        return exc
    if isinstance(exc, requests.RequestException):
        return MetaError(ErrorKind.TRANSIENT, f"network error talking to Meta: {type(exc).__name__}: {exc}")
    if not isinstance(exc, FacebookRequestError):
        raise TypeError(f"not a Meta error: {exc!r}")
    code = exc.api_error_code()
    subcode = exc.api_error_subcode()
    status = exc.http_status()
    message = exc.api_error_message() or str(exc.body())[:300] or f"HTTP {status}"
    body = exc.body() if isinstance(exc.body(), dict) else {}
    error = body.get("error") or {}
    data = error.get("error_data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            data = {}
    regain = None
    if isinstance(data, dict) and data.get("estimated_time_to_regain_access"):
        regain = float(data["estimated_time_to_regain_access"]) * 60
    regain = regain or regain_seconds_from_headers(exc.http_headers())

    def err(kind: ErrorKind, text: str | None = None, retry_after: float | None = None) -> MetaError:
        return MetaError(
            kind, text or message, code=code, subcode=subcode, http_status=status, retry_after=retry_after
        )

    if code == TOKEN_CODE or code == 102:
        reason = TOKEN_SUBCODES.get(subcode or 0, "the access token is no longer valid")
        return err(ErrorKind.TOKEN, f"Meta rejected the access token: {reason}. {message}")
    if TOO_MUCH_DATA_TEXT in message.lower():
        return err(ErrorKind.TOO_MUCH_DATA)
    if code in THROTTLE_CODES:
        return err(ErrorKind.THROTTLED, retry_after=regain)
    if code in PERMISSION_CODES:
        return err(ErrorKind.PERMISSION)
    if code in TRANSIENT_CODES or error.get("is_transient") or (status is not None and status >= 500):
        return err(ErrorKind.TRANSIENT)
    return err(ErrorKind.INVALID)
