"""Cross-site request forgery: a state-changing request that rides on the browser's cookie must come
from the app's own pages.

SameSite=Lax keeps the cookie off most cross-site requests, but not off every one (a sibling
subdomain is "same site", older browsers ignore the attribute), so unsafe methods (POST, PUT, PATCH,
DELETE) that carry cookies are also checked against where the browser says they came from: the
``Origin`` header, else ``Sec-Fetch-Site``, else the ``Referer``. Same origin means the app's public
URL (``TRAFFICDASH_PUBLIC_URL``) or the request's own scheme and host. A request with an
``Authorization`` header (a Bearer token) is exempt: the cookie is not consulted then, and a browser
sends no such header cross-origin without a CORS preflight, which this app never grants. A request
with none of the three headers is not a browser's, so it cannot be a forgery.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from trafficdash.settings import get_settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAME_ORIGIN_FETCH_SITES = frozenset({"same-origin", "none"})  # "none": typed or bookmarked by the user
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
REFUSED = (
    "Cross-site request refused: this request came from a page of another site. Use the app's own "
    "pages, or call the API with 'Authorization: Bearer <personal API token>'."
)


def origin_of(url: str) -> str | None:
    """``scheme://host:port`` of a URL (default port made explicit), None when it has no host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}:{port}"


def own_origins(scope: Scope, headers: Headers) -> set[str]:
    """The public URL's origin and the one the request was sent to (behind nginx, uvicorn's proxy
    headers middleware has set the scheme; nginx passes the Host on)."""
    origins = {origin_of(get_settings().public_url)}
    host = headers.get("host")
    if host:
        origins.add(origin_of(f"{scope.get('scheme', 'http')}://{host}"))
    origins.discard(None)
    return origins  # type: ignore[return-value]


def is_cross_site(scope: Scope, headers: Headers) -> bool:
    """Whether a cookie-carrying unsafe request came from another origin, as the browser reports it."""
    origin = headers.get("origin")
    if origin is not None:
        return origin_of(origin) not in own_origins(scope, headers)  # "null" (sandboxed frames) too
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in SAME_ORIGIN_FETCH_SITES
    referer = headers.get("referer")
    if referer is not None:
        return origin_of(referer) not in own_origins(scope, headers)
    return False


def needs_check(scope: Scope, headers: Headers) -> bool:
    return scope["method"] in UNSAFE_METHODS and "cookie" in headers and not headers.get("authorization")


class CrossSiteRequestMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            if needs_check(scope, headers) and is_cross_site(scope, headers):
                await JSONResponse({"detail": REFUSED}, status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)
