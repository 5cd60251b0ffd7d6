"""Process-wide logging: JSON lines in production, plain lines in the embedded default.

Every record carries the request id of the HTTP request it belongs to (a contextvar set by
``RequestIdMiddleware``; "-" outside a request) and passes a redaction filter on the handler,
so no logger anywhere (httpx, the Meta SDK, uvicorn, our own) can print a token.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trafficdash.redaction import RedactingFilter, redact
from trafficdash.settings import Settings, get_settings

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
request_id_var: ContextVar[str] = ContextVar("trafficdash_request_id", default=NO_REQUEST)

# An incoming id is echoed into logs and headers, so only a short, plain one is trusted.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


# --- formatters -----------------------------------------------------------------------------
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra= fields are kept as top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_text or record.exc_info:
            entry["exc_info"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


PLAIN_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"


def wants_json(settings: Settings) -> bool:
    """Explicit ``log_json``, or a server database (a production deployment behind a log shipper)."""
    return settings.log_json or not settings.is_sqlite


_HANDLER_MARK = "_trafficdash_handler"


def configure_logging(settings: Settings | None = None, *, stream: Any = None) -> logging.Handler:
    """Install one handler on the root logger (idempotent: a second call replaces the first)."""
    settings = settings or get_settings()
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, _HANDLER_MARK, False):
            root.removeHandler(existing)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if wants_json(settings) else logging.Formatter(PLAIN_FORMAT))
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    # uvicorn's loggers go through our handler (its own config is switched off in app.run).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler


# --- request id middleware ------------------------------------------------------------------
def incoming_request_id(value: str | None) -> str:
    """The proxy's id when it is a sane one, else a fresh one."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


access_log = logging.getLogger("trafficdash.access")


class RequestIdMiddleware:
    """Pure ASGI (so streaming responses and websockets pass untouched): binds the request id
    for the duration of the request and echoes it in the response. With ``log_requests`` (the
    JSON/production mode) it also logs one access line per request: the path without the query
    string, which may hold a token."""

    def __init__(self, app: ASGIApp, log_requests: bool = False) -> None:
        self.app = app
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.lower().encode())
        request_id = incoming_request_id(raw.decode("latin-1") if raw else None)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status: list[int] = []

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.log_requests and scope["type"] == "http" and not scope["path"].startswith("/_nicegui/"):
                access_log.info(
                    "%s %s %s",
                    scope.get("method", "-"),
                    scope["path"],
                    status[0] if status else 500,
                    extra={"duration_ms": round((time.perf_counter() - started) * 1000, 1)},
                )
            request_id_var.reset(token)


def install_request_id_middleware(app: Any, settings: Settings | None = None) -> None:
    """Idempotent (``build()`` runs again after NiceGUI's test resets)."""
    if not any(m.cls is RequestIdMiddleware for m in app.user_middleware):
        app.add_middleware(RequestIdMiddleware, log_requests=wants_json(settings or get_settings()))
