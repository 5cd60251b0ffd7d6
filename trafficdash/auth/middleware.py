"""HTTP protections: sign-in guard for pages, Redis-backed rate limits, security headers, and the
cross-site request check (``csrf``).

Added in ``app.build()`` before NiceGUI adds its session middleware, so these run *inside*
it and can read the browser session (``app.storage.user``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from urllib.parse import quote, urlsplit

import redis
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trafficdash import redis_conn
from trafficdash.auth import api_tokens
from trafficdash.auth.csrf import CrossSiteRequestMiddleware
from trafficdash.auth.current import signed_in_user_id
from trafficdash.settings import Settings, get_settings

log = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 60
RATE_KEY_PREFIX = "trafficdash:ratelimit"
# API requests whose token failed authentication, counted per client address.
AUTH_FAILURE_BUCKET = "auth-failure"
LOGIN_ROUTES = ("/auth/login", "/auth/callback")
# Reachable without signing in: the login itself, the API (it answers 401 on its own), NiceGUI's
# assets and websocket, the embedded sandbox (Meta's side) and the API docs.
PUBLIC_PREFIXES = ("/login", "/auth/", "/api/", "/_nicegui", "/sandbox", "/docs", "/redoc", "/openapi.json")
PUBLIC_EXACT = ("/favicon.ico", "/api")


def is_public(path: str) -> bool:
    return path in PUBLIC_EXACT or path.startswith(PUBLIC_PREFIXES)


def content_security_policy(settings: Settings) -> str:
    public = urlsplit(settings.public_url)
    websocket = f"{'wss' if public.scheme == 'https' else 'ws'}://{public.netloc}"
    # NiceGUI compiles Vue templates in the browser and injects inline bootstrapping scripts and
    # styles, so 'unsafe-eval' and 'unsafe-inline' are required; everything else stays same-origin.
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {websocket}",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-security-policy": content_security_policy(settings),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "cross-origin-opener-policy": "same-origin",
    }
    if settings.cookies_secure:
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return [(k.encode(), v.encode()) for k, v in headers.items()]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(get_settings())

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in extra:
                    if key.decode() not in headers:
                        headers.raw.append((key, value))
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def rate_limit_hit(
    bucket: str, identity: str, limit: int, window: int = RATE_WINDOW_SECONDS
) -> int | None:
    """Count one request in a fixed window; the seconds to wait when over the limit, else None.

    Fixed windows in Redis are shared by every web replica. If Redis is down the request is let
    through (and logged): an outage of the limiter must not become an outage of the app.
    """
    key, seconds_left = _window(bucket, identity, window)
    try:
        # One round trip without MULTI/EXEC: the two commands arrive together, and a client
        # slipping in between only sets the same expiry again.
        async with redis_conn.get_async_redis().pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, window + 1)
            count, _ = await pipe.execute()
    except redis.RedisError as exc:
        log.warning("rate limiter unavailable, request allowed: %s", exc)
        return None
    return None if int(count) <= limit else seconds_left


async def rate_limit_spent(
    bucket: str, identity: str, limit: int, window: int = RATE_WINDOW_SECONDS
) -> int | None:
    """Like ``rate_limit_hit`` without counting: the seconds to wait once the window holds ``limit``."""
    key, seconds_left = _window(bucket, identity, window)
    try:
        count = await redis_conn.get_async_redis().get(key)
    except redis.RedisError as exc:
        log.warning("rate limiter unavailable, request allowed: %s", exc)
        return None
    return None if int(count or 0) < limit else seconds_left


def _window(bucket: str, identity: str, window: int) -> tuple[str, int]:
    """The counter's key in the current fixed window, and the seconds until the window ends."""
    now = time.time()
    window_start = int(now // window) * window
    key = f"{RATE_KEY_PREFIX}:{bucket}:{identity}:{window_start}"
    return key, max(1, math.ceil(window_start + window - now))


def _client_ip(scope: Scope) -> str:
    """The client's address; behind nginx, uvicorn's proxy headers middleware (FORWARDED_ALLOW_IPS)
    has already put the forwarded client there."""
    client = scope.get("client")
    return client[0] if client else "unknown"


def _identity(scope: Scope, headers: Headers) -> str:
    """Per token, else per signed-in user, else per client address.

    The token is the one the API authenticates (``bearer_token``), not the raw header. A malformed
    ``Authorization`` header fails authentication (the cookie is not consulted then): per address.
    """
    authorization = headers.get("authorization", "")
    if authorization:
        token = api_tokens.bearer_token(authorization)
        if token is None:
            return f"ip:{_client_ip(scope)}"
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:24]
    user_id = signed_in_user_id()
    if user_id is not None:
        return f"user:{user_id}"
    return f"ip:{_client_ip(scope)}"


def _counting_auth_failures(send: Send, client_ip: str, limit: int) -> Send:
    """``send`` that counts a 401 (the token was unknown or revoked) against the client's address."""

    async def send_counting(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 401:
            await rate_limit_hit(AUTH_FAILURE_BUCKET, f"ip:{client_ip}", limit)
        await send(message)

    return send_counting


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        settings = get_settings()
        wait: int | None = None
        if path.startswith("/api/") or path == "/api":
            identity = _identity(scope, Headers(scope=scope))
            if identity.startswith("token:"):
                # Whether a token is good is known only after its lookup: an address whose tokens
                # failed too often is stopped before the next lookup, whatever token it sends.
                failure_limit = settings.login_rate_limit_per_minute
                wait = await rate_limit_spent(AUTH_FAILURE_BUCKET, f"ip:{_client_ip(scope)}", failure_limit)
                send = _counting_auth_failures(send, _client_ip(scope), failure_limit)
            if wait is None:
                wait = await rate_limit_hit("api", identity, settings.api_rate_limit_per_minute)
        elif path in LOGIN_ROUTES:
            wait = await rate_limit_hit(
                "login", f"ip:{_client_ip(scope)}", settings.login_rate_limit_per_minute
            )
        if wait is not None:
            response = JSONResponse(
                {"detail": f"Too many requests. Try again in {wait} seconds."},
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SignInRequiredMiddleware:
    """Anonymous visitors of any page are sent to the login page (API routes answer 401 themselves)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]) or signed_in_user_id() is not None:
            await self.app(scope, receive, send)
            return
        target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope.get("query_string") else "")
        response = RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
        await response(scope, receive, send)


def install(app: object) -> None:
    """Add the middlewares once (NiceGUI's test resets clear them; build() calls this again)."""
    present = {m.cls for m in app.user_middleware}  # type: ignore[attr-defined]
    # add_middleware puts the newest outermost: headers wrap everything, including 429s and redirects.
    for cls in (
        CrossSiteRequestMiddleware,
        SignInRequiredMiddleware,
        RateLimitMiddleware,
        SecurityHeadersMiddleware,
    ):
        if cls not in present:
            app.add_middleware(cls)  # type: ignore[attr-defined]
