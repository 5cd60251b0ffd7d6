"""Facebook login: authlib's Starlette client on NiceGUI's FastAPI app.

``/auth/login`` -> Meta's dialog (the sandbox's in the embedded default) -> ``/auth/callback``
(state checked by authlib, code exchanged) -> ``register_connection`` (long-lived token,
``debug_token`` check, encrypted storage, ad accounts) -> signed in -> the page asked for.
Failures come back to ``/login?error=<reason>``; the reason never carries a secret.
"""

from __future__ import annotations

import logging

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from trafficdash import db
from trafficdash.auth.connections import REQUESTED_SCOPES, ConnectionFailed, register_connection
from trafficdash.auth.current import sign_in, sign_out
from trafficdash.meta.client import app_credentials
from trafficdash.settings import Settings, get_settings

log = logging.getLogger(__name__)

LOGIN_PAGE = "/login"
CALLBACK_PATH = "/auth/callback"
NEXT_KEY = "td_login_next"
FACEBOOK_GRAPH = "https://graph.facebook.com"
FACEBOOK_DIALOG = "https://www.facebook.com"

router = APIRouter(include_in_schema=False)


def dialog_base(settings: Settings) -> str:
    """Meta's login dialog lives on www.facebook.com; the sandbox serves it next to its Graph paths."""
    return FACEBOOK_DIALOG if settings.graph_url == FACEBOOK_GRAPH else settings.graph_url


def facebook_client(settings: Settings | None = None):
    """Built per request: the Graph URL and app come from settings, which tests switch."""
    settings = settings or get_settings()
    creds = app_credentials(settings)
    version = settings.meta_api_version
    oauth = OAuth()
    return oauth.register(
        name="facebook",
        client_id=creds.app_id,
        client_secret=creds.app_secret,
        authorize_url=f"{dialog_base(settings)}/{version}/dialog/oauth",
        access_token_url=f"{settings.graph_url}/{version}/oauth/access_token",
        # Meta wants the app id and secret as form fields, not HTTP basic auth.
        client_kwargs={
            "scope": ",".join(REQUESTED_SCOPES),
            "token_endpoint_auth_method": "client_secret_post",
        },
    )


def safe_next(raw: str | None) -> str:
    """Only local paths: an open redirect after login would be a phishing tool."""
    if (
        not raw
        or not raw.startswith("/")
        or raw.startswith("//")
        or "\\" in raw
        or raw.startswith(LOGIN_PAGE)
    ):
        return "/"
    return raw


def _to_login(error: str) -> RedirectResponse:
    return RedirectResponse(f"{LOGIN_PAGE}?error={error}", status_code=303)


@router.get("/auth/login")
async def login(request: Request, next: str = "/") -> RedirectResponse:
    settings = get_settings()
    request.session[NEXT_KEY] = safe_next(next)
    redirect_uri = settings.public_url.rstrip("/") + CALLBACK_PATH
    return await facebook_client(settings).authorize_redirect(request, redirect_uri)


@router.get(CALLBACK_PATH)
async def callback(request: Request) -> RedirectResponse:
    if request.query_params.get("error"):
        return _to_login("denied")
    try:
        token = await facebook_client().authorize_access_token(request)
    except MismatchingStateError:
        return _to_login("state")
    except OAuthError as exc:
        log.warning("Facebook login failed at the code exchange: %s", exc.error)
        return _to_login("exchange")
    access_token = token.get("access_token") if isinstance(token, dict) else None
    if not access_token:
        return _to_login("exchange")
    try:
        # Sync SDK and DB work off the event loop (the embedded sandbox is served by this loop).
        user_id = await run_in_threadpool(_connect, access_token)
    except ConnectionFailed as exc:
        log.warning("Facebook login refused: %s", exc)
        return _to_login(exc.reason.value)
    await sign_in(user_id)
    return RedirectResponse(safe_next(request.session.pop(NEXT_KEY, "/")), status_code=303)


def _connect(short_token: str) -> int:
    with db.session_scope() as session:
        user_id = register_connection(session, short_token, exchange=True).id
    _queue_first_syncs()
    return user_id


def _queue_first_syncs() -> None:
    """Queue the new accounts' first sync now, so the dashboard opens on its progress instead of
    "no data" until the scheduler's next pass (which stays the fallback if this fails)."""
    from redis import RedisError
    from sqlalchemy.exc import SQLAlchemyError

    from trafficdash.jobs.runner import enqueue_first_syncs

    try:
        enqueue_first_syncs()
    except (RedisError, SQLAlchemyError):
        log.exception("could not queue the first syncs; the scheduler will")


@router.get("/auth/logout")
async def logout() -> RedirectResponse:
    await sign_out()
    return RedirectResponse(f"{LOGIN_PAGE}?signed_out=1", status_code=303)
