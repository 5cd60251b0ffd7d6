"""Auth tests talk to a real sandbox over HTTP; the app's routes run in NiceGUI's simulated user."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from nicegui.testing import User

from tests.sandbox.conftest import SandboxServer, clean_faults, sandbox_server  # noqa: F401
from trafficdash.settings import reset_settings_cache


@pytest.fixture
def meta(clean_faults: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:  # noqa: F811
    """Point the app at the sandbox (same seed, so the same app credentials)."""
    monkeypatch.setenv("TRAFFICDASH_META_GRAPH_URL", clean_faults.url)
    monkeypatch.setenv("TRAFFICDASH_SANDBOX_SEED", str(clean_faults.config.seed))
    reset_settings_cache()
    yield clean_faults
    reset_settings_cache()


async def facebook_login(
    user: User,
    meta: SandboxServer,
    sandbox_user_id: str,
    next_path: str = "/",
    decline: tuple[str, ...] = (),
) -> httpx.Response:
    """Browser steps of the OAuth flow: app -> sandbox dialog (real HTTP) -> app callback.

    ``decline`` unticks those permissions in the dialog's "Edit access" before continuing.
    Returns the app's answer to the callback (a redirect to the page or to /login?error=...).
    """
    start = await user.http_client.get("/auth/login", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 302, start.text
    dialog_url = start.headers["location"]
    assert dialog_url.startswith(meta.url + "/")
    query = parse_qs(urlsplit(dialog_url).query)
    assert set(query["scope"][0].split(",")) == {"ads_read", "business_management", "read_insights"}
    with httpx.Client() as browser:
        page = browser.get(dialog_url)
        assert page.status_code == 200
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
        offered = set(re.findall(r'name="declined_scopes" value="([^"]+)"', page.text))
        assert set(decline) <= offered, offered
        form = {**hidden, "user_id": sandbox_user_id, "declined_scopes": list(decline)}
        consent = browser.post(dialog_url.split("?")[0], data=form)
    assert consent.status_code == 302
    back = urlsplit(consent.headers["location"])
    return await user.http_client.get(f"{back.path}?{back.query}", follow_redirects=False)
