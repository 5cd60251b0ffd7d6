"""State-changing requests that ride on the session cookie must come from the app's own pages: a
form posted from another site is refused with a 403 that says why; the app's own pages, the public
URL, Bearer-token clients and NiceGUI's own endpoints keep working."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from tests.support import bearer_for, make_user, sign_in
from trafficdash import db
from trafficdash.settings import get_settings

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
EVIL = "https://evil.example"
# What a page on another site can make a signed-in browser send.
CROSS_SITE = [
    {"Origin": EVIL},
    {"Origin": "null"},  # a sandboxed frame or a data: page
    {"Origin": "http://test:8080"},  # same host, another port: another origin
    {"Origin": "https://test"},  # same host, another scheme
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain
    {"Referer": f"{EVIL}/cats.html"},
]


@pytest.fixture
async def signed_in(user: User) -> User:
    with db.session_scope() as s:
        ana_id = make_user(s).id
    await sign_in(user, ana_id, "/settings")
    return user


@pytest.mark.parametrize("where", CROSS_SITE)
async def test_a_form_posted_from_another_site_is_refused(signed_in: User, where: dict[str, str]) -> None:
    for path in ("/api/alerts/read", "/api/alerts/1/ack", "/api/alerts/rules/1/evaluate"):
        answer = await signed_in.http_client.post(path, content="x=1", headers={**FORM, **where})
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["detail"].startswith("Cross-site request refused")
    deleted = await signed_in.http_client.delete("/api/tokens/1", headers=where)
    assert deleted.status_code == 403


async def test_the_apps_own_pages_and_token_clients_are_allowed(signed_in: User) -> None:
    client = signed_in.http_client
    public = get_settings().public_url
    assert (await client.post("/api/alerts/read", headers={"Origin": EVIL})).status_code == 403
    for where in (
        {"Origin": "http://test"},  # the host the request was sent to
        {"Origin": "http://TEST:80"},
        {"Origin": public},
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": "http://test/alerts"},
        {},  # no browser said anything: not a browser's request
    ):
        assert (await client.post("/api/alerts/read", headers=where)).status_code == 200, where
        assert (await client.post("/api/alerts/123456/ack", headers=where)).status_code == 404, where
    with db.session_scope() as s:
        bia_id = make_user(s, "bia@example.com", "Bia").id
    token = {"Origin": EVIL, **bearer_for(bia_id)}
    assert (await client.post("/api/alerts/read", headers=token)).status_code == 200
    # The cross-site refusal is for the cookie's requests only: without any cookie there is nothing to ride on.
    client.cookies.clear()
    assert (await client.post("/api/alerts/read", headers={"Origin": EVIL})).status_code == 401


async def test_nicegui_endpoints_are_checked_like_the_api(signed_in: User) -> None:
    """An upload from the page itself reaches NiceGUI (which answers for an unknown client); the same
    upload from another site does not."""
    path = "/_nicegui/client/unknown/upload/1"
    same = await signed_in.http_client.post(path, headers={"Origin": "http://test"})
    assert same.status_code != 403
    assert (await signed_in.http_client.post(path, headers={"Origin": EVIL})).status_code == 403
    await signed_in.open("/settings")  # pages (and their socket) still work
