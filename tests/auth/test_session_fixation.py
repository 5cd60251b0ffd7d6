"""Signing in and out give the browser a new session id: an id known before sign-in (an attacker's,
planted in the victim's browser) never becomes the victim's signed-in session, and the signed-in id
stops working at sign-out."""

from __future__ import annotations

import base64
import json

import httpx
from nicegui import core
from nicegui.testing import User

from tests.auth.conftest import facebook_login


def session_id(cookie: str) -> str:
    payload = cookie.split(".")[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))["id"]


async def me_with(cookie: str) -> int:
    """``/api/me`` from another browser that holds only this session cookie."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as other:
        return (await other.get("/api/me", headers={"Cookie": f"session={cookie}"})).status_code


async def test_the_session_id_changes_at_sign_in_and_sign_out(user: User, meta) -> None:
    # The attacker knows the id this browser holds before sign-in (they visited the site and planted
    # their cookie here).
    assert (await user.http_client.get("/api/health")).status_code == 200
    planted = user.http_client.cookies["session"]
    answer = await facebook_login(user, meta, meta.users[0]["id"])
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    signed_in = user.http_client.cookies["session"]
    assert session_id(signed_in) != session_id(planted)
    assert (await user.http_client.get("/api/me")).status_code == 200
    assert await me_with(planted) == 401  # the planted id signs nobody in
    assert await me_with(signed_in) == 200

    out = await user.http_client.get("/auth/logout", follow_redirects=False)
    assert out.status_code == 303
    after = user.http_client.cookies["session"]
    assert session_id(after) not in (session_id(signed_in), session_id(planted))
    assert (await user.http_client.get("/api/me")).status_code == 401
    assert await me_with(signed_in) == 401  # a copy of the signed-in cookie is worthless after sign-out
