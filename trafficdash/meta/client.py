"""One ``FacebookAdsApi`` per access token, never a process-wide default.

The SDK's ``FacebookAdsApi.init`` sets a global default API and turns on its crash
reporter (which posts tracebacks to Meta); both are wrong for a multi-user server, so the
session and API objects are built directly and passed to every SDK object (``api=...``).
"""

from __future__ import annotations

from dataclasses import dataclass

from facebook_business.api import FacebookAdsApi
from facebook_business.session import FacebookSession

from trafficdash.settings import Settings, get_settings

DEFAULT_TIMEOUT_SECONDS = 60


@dataclass(frozen=True, slots=True)
class AppCredentials:
    app_id: str
    app_secret: str | None


def app_credentials(settings: Settings | None = None) -> AppCredentials:
    """The Meta app's id and secret; the sandbox's own pair in the embedded default."""
    settings = settings or get_settings()
    if settings.meta_app_id:
        secret = settings.meta_app_secret.get_secret_value() if settings.meta_app_secret else None
        return AppCredentials(settings.meta_app_id, secret)
    if settings.use_sandbox or settings.meta_graph_url:
        # Only the embedded/demo configuration reaches into the sandbox for its credentials.
        from trafficdash.sandbox.users import sandbox_app_credentials

        app_id, app_secret = sandbox_app_credentials(settings.sandbox_seed)
        return AppCredentials(str(app_id), app_secret)
    raise RuntimeError("TRAFFICDASH_META_APP_ID is not set")


def make_api(
    access_token: str, settings: Settings | None = None, timeout: float | None = None
) -> FacebookAdsApi:
    """A private API object for one user's token (appsecret_proof added when the secret is known)."""
    settings = settings or get_settings()
    creds = app_credentials(settings)
    session = FacebookSession(
        app_id=creds.app_id,
        app_secret=creds.app_secret,
        access_token=access_token,
        timeout=timeout or DEFAULT_TIMEOUT_SECONDS,
    )
    session.GRAPH = settings.graph_url  # instance attribute: this session only
    return FacebookAdsApi(session, api_version=settings.meta_api_version)
