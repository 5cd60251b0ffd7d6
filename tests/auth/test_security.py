"""Rate limits on real Redis, security headers, closed CORS, idle expiry, API tokens, roles."""

from __future__ import annotations

import time

import pytest
from nicegui import app
from nicegui.testing import User
from typer.testing import CliRunner

from tests.support import bearer_for, grant, make_user, sign_in
from trafficdash import db
from trafficdash.auth import access, workspaces
from trafficdash.auth.current import LAST_SEEN_KEY
from trafficdash.cli import app as cli
from trafficdash.models import AdAccount
from trafficdash.models import User as DbUser
from trafficdash.settings import reset_settings_cache


async def test_api_rate_limit_answers_429_with_retry_after(
    user: User, services, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not services.real_redis:
        pytest.skip("needs the real Redis server")
    monkeypatch.setenv("TRAFFICDASH_API_RATE_LIMIT_PER_MINUTE", "3")
    reset_settings_cache()
    with db.session_scope() as s:
        ana_id = make_user(s).id
    headers = bearer_for(ana_id)
    codes = [(await user.http_client.get("/api/me", headers=headers)).status_code for _ in range(3)]
    limited = await user.http_client.get("/api/me", headers=headers)
    assert codes == [200, 200, 200]
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    # Another token is another bucket.
    assert (await user.http_client.get("/api/me", headers=bearer_for(ana_id))).status_code == 200


async def test_login_routes_are_rate_limited(user: User, services, monkeypatch: pytest.MonkeyPatch) -> None:
    if not services.real_redis:
        pytest.skip("needs the real Redis server")
    monkeypatch.setenv("TRAFFICDASH_LOGIN_RATE_LIMIT_PER_MINUTE", "2")
    reset_settings_cache()
    for _ in range(2):
        assert (await user.http_client.get("/auth/callback?state=x")).status_code != 429
    limited = await user.http_client.get("/auth/login", follow_redirects=False)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


async def test_security_headers_and_closed_cors(user: User) -> None:
    page = await user.http_client.get("/login", headers={"Origin": "https://evil.example"})
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "access-control-allow-origin" not in page.headers
    preflight = await user.http_client.options(
        "/api/me", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    cookie = page.headers.get("set-cookie", "")
    assert "httponly" in cookie.lower()


def test_cookies_are_secure_behind_https(monkeypatch: pytest.MonkeyPatch) -> None:
    from trafficdash.auth.sessions import session_cookie_options
    from trafficdash.settings import Settings

    assert session_cookie_options(Settings(public_url="https://ads.example.com"))["https_only"] is True
    assert session_cookie_options(Settings(public_url="http://127.0.0.1:8080"))["https_only"] is False


async def test_anonymous_pages_redirect_to_login(user: User) -> None:
    for path in ("/", "/settings", "/some/future/page?x=1"):
        answer = await user.http_client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=")
    await user.open("/login")
    await user.should_see("Continue with Facebook")


async def test_idle_sessions_expire(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.session_scope() as s:
        ana_id = make_user(s).id
    await sign_in(user, ana_id, "/settings")
    assert (await user.http_client.get("/api/me")).status_code == 200
    monkeypatch.setenv("TRAFFICDASH_SESSION_IDLE_MINUTES", "5")
    reset_settings_cache()
    for storage in app.storage._users.values():
        if storage.get("user_id") == ana_id:
            storage[LAST_SEEN_KEY] = time.time() - 6 * 60
    assert (await user.http_client.get("/api/me")).status_code == 401
    assert (await user.http_client.get("/settings", follow_redirects=False)).status_code == 303


def test_token_cli_create_list_revoke(session) -> None:
    make_user(session, "ana@example.com")
    session.commit()
    runner = CliRunner()
    created = runner.invoke(cli, ["token", "create", "--email", "ana@example.com", "--name", "looker"])
    assert created.exit_code == 0, created.output
    plain = created.stdout.strip().splitlines()[-1]
    assert plain.startswith("tdp_") and len(plain) > 40
    listed = runner.invoke(cli, ["token", "list", "--email", "ana@example.com"])
    assert plain[:12] in listed.output and plain not in listed.output and "looker" in listed.output
    token_id = listed.output.split("\t")[0]
    revoked = runner.invoke(cli, ["token", "revoke", "--email", "ana@example.com", "--id", token_id])
    assert (
        revoked.exit_code == 0
        and "revoked" in runner.invoke(cli, ["token", "list", "--email", "ana@example.com"]).output
    )
    assert runner.invoke(cli, ["token", "list", "--email", "nobody@example.com"]).exit_code == 1


async def test_api_tokens_over_http(user: User) -> None:
    with db.session_scope() as s:
        ana_id = make_user(s).id
    headers = bearer_for(ana_id)
    created = await user.http_client.post("/api/tokens", json={"name": "sheets"}, headers=headers)
    assert created.status_code == 201
    body = created.json()
    listed = (await user.http_client.get("/api/tokens", headers=headers)).json()
    assert body["token"].startswith(body["prefix"]) and all("token" not in t for t in listed)
    assert (
        await user.http_client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    ).status_code == 200
    assert (await user.http_client.delete(f"/api/tokens/{body['id']}", headers=headers)).status_code == 204
    assert (
        await user.http_client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    ).status_code == 401
    assert (await user.http_client.delete("/api/tokens/999999", headers=headers)).status_code == 404


async def test_workspace_members_see_the_owners_accounts_and_viewers_cannot_change(user: User) -> None:
    with db.session_scope() as s:
        owner = make_user(s, "owner@agency.io", "Owner")
        s.add_all(
            [
                AdAccount(id=11, name="Client A"),
                AdAccount(id=12, name="Client B"),
                AdAccount(id=13, name="Own"),
            ]
        )
        s.flush()
        grant(s, owner, 11, 12)
        viewer = make_user(s, "viewer@agency.io")
        admin = make_user(s, "admin@agency.io")
        outsider = make_user(s, "outsider@x.io")
        grant(s, admin, 13)
        ids = owner.id, viewer.id, admin.id, outsider.id
    owner_id, viewer_id, admin_id, outsider_id = ids
    owner_headers = bearer_for(owner_id)
    r = await user.http_client.post("/api/team", json={"email": "Viewer@Agency.io"}, headers=owner_headers)
    assert r.status_code == 201 and r.json()["role"] == "viewer"
    r = await user.http_client.post(
        "/api/team", json={"email": "admin@agency.io", "role": "admin"}, headers=owner_headers
    )
    assert r.status_code == 201
    assert (
        await user.http_client.post("/api/team", json={"email": "nope"}, headers=owner_headers)
    ).status_code == 422
    with db.session_scope() as s:
        assert access.visible_account_ids(s, viewer_id) == [11, 12]
        assert access.visible_account_ids(s, admin_id) == [11, 12, 13]
        assert access.visible_account_ids(s, outsider_id) == []
        assert not access.is_admin(s, viewer_id) and access.is_admin(s, admin_id)
        with pytest.raises(access.NotAdmin):
            access.require_admin(s, viewer_id, [11])
        assert access.require_admin(s, admin_id, ["act_11"]) == [11]
        with pytest.raises(access.AccountNotFound):
            access.require_admin(s, outsider_id, [11])
    viewer_headers = bearer_for(viewer_id)
    assert (await user.http_client.post("/api/tokens", json={}, headers=viewer_headers)).status_code == 403
    assert len((await user.http_client.get("/api/me", headers=viewer_headers)).json()["ad_accounts"]) == 2
    members = (await user.http_client.get("/api/team", headers=owner_headers)).json()
    viewer_member = next(m for m in members if m["email"] == "viewer@agency.io")
    assert (
        await user.http_client.delete(f"/api/team/{viewer_member['id']}", headers=owner_headers)
    ).status_code == 204
    with db.session_scope() as s:
        assert access.visible_account_ids(s, viewer_id) == []
        admin_user = s.get(DbUser, admin_id)
        assert [(w.owner_user_id, r) for w, r in workspaces.memberships(s, admin_user)] == [
            (owner_id, "admin")
        ]
