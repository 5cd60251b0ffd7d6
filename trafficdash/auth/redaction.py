"""Secrets never reach the logs: URL parameters and Meta tokens are masked in every record of the
HTTP client libraries that may print a URL (httpx, urllib3 under the SDK, uvicorn's access log)."""

from __future__ import annotations

import logging
import re

_SECRET_PARAMS = re.compile(
    r"(?P<key>access_token|input_token|fb_exchange_token|client_secret|appsecret_proof|code|state)"
    r"(?P<sep>=|%3D)[^&\s\"'#]+",
    re.IGNORECASE,
)
# Meta user/page tokens start with EAA; personal API tokens with tdp_.
_TOKEN_LIKE = re.compile(r"\b(EAA[A-Za-z0-9]{16,}|tdp_[A-Za-z0-9_\-]{16,})")
LOGGERS = ("httpx", "httpcore", "urllib3.connectionpool", "uvicorn.access", "uvicorn.error", "authlib")


def redact(text: str) -> str:
    text = _SECRET_PARAMS.sub(lambda m: f"{m.group('key')}{m.group('sep')}***", text)
    return _TOKEN_LIKE.sub("***", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the logging module
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactSecrets()


def install_log_redaction() -> None:
    """Idempotent: one filter per logger."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
