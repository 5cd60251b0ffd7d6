"""The one secret redactor, for log records and for error messages kept or shown.

Masks the values of Meta's secret parameters (URL, form, JSON or ``key: value``), the OAuth
``code`` and ``state`` of a callback, ``Authorization: Bearer`` values and anything shaped like a
Meta token (``EAA...``) or a personal API token (``tdp_...``), keeping the names so a line still
says what was sent.
"""

from __future__ import annotations

import logging
import re

REDACTED = "***"

_SECRET_PARAMS = re.compile(
    r"(?P<key>access_token|input_token|fb_exchange_token|client_secret|appsecret_proof)"
    r"(?P<sep>\"?\s*[=:]\s*\"?|%3D)(?P<value>[^&\s\"',;#}]+)",
    re.IGNORECASE,
)
# OAuth callback parameters: only as parameters (``name=``, plain or URL-encoded), so "error code:
# 190" and "error_subcode=463" keep their numbers.
_OAUTH_PARAMS = re.compile(
    r"(?:(?<![\w.])|(?<=%3F)|(?<=%26))(?P<key>code|state)(?P<sep>=|%3D)(?P<value>[^&\s\"',;#}%]+)"
)
_BEARER = re.compile(r"(?P<key>Bearer\s+)[A-Za-z0-9._~+/=\-]+", re.IGNORECASE)
# Meta user/page/system tokens start with EAA; personal API tokens with tdp_.
_TOKEN_LIKE = re.compile(r"\b(?:EAA[A-Za-z0-9]{16,}|tdp_[A-Za-z0-9_\-]{16,})")

# Loggers of the HTTP client libraries that print URLs; the app's own handler redacts everything
# it emits (logging_setup), these filters also cover records sent to other handlers.
HTTP_LOGGERS = ("httpx", "httpcore", "urllib3.connectionpool", "uvicorn.access", "uvicorn.error", "authlib")


def redact(text: str) -> str:
    """The text with every secret value replaced by ``***``."""
    for pattern in (_SECRET_PARAMS, _OAUTH_PARAMS):
        text = pattern.sub(lambda m: f"{m.group('key')}{m.group('sep')}{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group('key')}{REDACTED}", text)
    return _TOKEN_LIKE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites the message (and a formatted traceback) of every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # malformed record: the logging module reports it
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Idempotent: one filter per HTTP client logger."""
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
