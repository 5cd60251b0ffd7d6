"""The API rate limit counts the token the API authenticates, not the raw header (extra spaces or a
lower-case scheme are the same token), and an address whose tokens keep failing is stopped before
more token lookups."""

from __future__ import annotations

import secrets

import pytest
from nicegui.testing import User

from tests.support import bearer_for, make_user
from trafficdash import db
from trafficdash.settings import reset_settings_cache


@pytest.fixture
def limits(services, monkeypatch: pytest.MonkeyPatch) -> None:
    if not services.real_redis:
        pytest.skip("needs the real Redis server")
    monkeypatch.setenv("TRAFFICDASH_API_RATE_LIMIT_PER_MINUTE", "3")
    monkeypatch.setenv("TRAFFICDASH_LOGIN_RATE_LIMIT_PER_MINUTE", "3")
    reset_settings_cache()


async def test_spacing_does_not_make_a_new_bucket(user: User, limits: None) -> None:
    with db.session_scope() as s:
        ana_id = make_user(s).id
    token = bearer_for(ana_id)["Authorization"].removeprefix("Bearer ")
    spellings = [
        f"Bearer {token}",
        f"Bearer  {token}",
        f"bearer   {token}",
        f"Bearer {token}  ",
        f"BEARER {token}",
    ]
    codes = [
        (await user.http_client.get("/api/me", headers={"Authorization": a})).status_code for a in spellings
    ]
    assert codes == [200, 200, 200, 429, 429]
    # Another token of the same user, from the same address, has its own bucket: only failures
    # count against an address.
    assert (await user.http_client.get("/api/me", headers=bearer_for(ana_id))).status_code == 200


async def test_failing_tokens_are_limited_per_address(user: User, limits: None) -> None:
    codes = [
        (
            await user.http_client.get(
                "/api/me", headers={"Authorization": f"Bearer tdp_{secrets.token_urlsafe(32)}"}
            )
        ).status_code
        for _ in range(6)
    ]
    assert codes == [401, 401, 401, 429, 429, 429]
    limited = await user.http_client.get("/api/me", headers={"Authorization": "Bearer tdp_another"})
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
    # Malformed headers are failures of the address too, counted in its own API bucket.
    assert (await user.http_client.get("/api/me", headers={"Authorization": "Basic abc"})).status_code == 401
