"""Everything auth adds to the web app, in one call from ``app.build()``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from trafficdash.auth import middleware, oauth
from trafficdash.auth.access import AccountNotFound, NotAdmin
from trafficdash.auth.sessions import configure_session_storage
from trafficdash.redaction import install_log_redaction
from trafficdash.settings import Settings


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


async def _forbidden(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=403)


def install_auth(app: FastAPI, settings: Settings) -> None:
    """Idempotent (tests rebuild the app after NiceGUI resets it)."""
    install_log_redaction()
    configure_session_storage(settings)
    if not any(getattr(route, "path", None) == oauth.CALLBACK_PATH for route in app.routes):
        app.include_router(oauth.router)
    # Services raise these anywhere below an endpoint; another user's ids answer 404, viewers 403.
    app.add_exception_handler(AccountNotFound, _not_found)
    app.add_exception_handler(NotAdmin, _forbidden)
    middleware.install(app)
