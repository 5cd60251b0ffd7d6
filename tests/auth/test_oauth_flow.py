"""The Facebook login end to end over real HTTP against the sandbox, and its failure paths."""

from __future__ import annotations

import logging
import time

import pytest
from nicegui.testing import User
from sqlalchemy import select

from tests.auth.conftest import facebook_login
from trafficdash import db
from trafficdash.auth import connections
from trafficdash.auth.crypto import decrypt_token
from trafficdash.meta import throttle
from trafficdash.models import AdAccountAccess, ConnectionStatus, SyncRun
from trafficdash.models import User as DbUser
from trafficdash.sandbox.users import make_token


def _db_user(meta_user_id: str) -> DbUser | None:
    with db.session_scope() as s:
        return s.scalar(select(DbUser).where(DbUser.meta_user_id == meta_user_id))


async def test_login_connects_and_shows_the_users_accounts(
    user: User, meta, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fb = meta.users[0]
    answer = await facebook_login(user, meta, fb["id"], next_path="/settings")
    assert answer.status_code == 303 and answer.headers["location"] == "/settings"

    stored = _db_user(fb["id"])
    assert stored is not None and stored.connection_status == ConnectionStatus.CONNECTED
    assert stored.email == fb["email"]
    # Long-lived (about 60 days), checked with debug_token, scopes recorded.
    assert stored.meta_token_expires_at is not None
    assert "ads_read" in stored.meta_token_scopes
    plain = decrypt_token(stored.meta_token_encrypted)
    assert plain.startswith("EAAS") and plain not in stored.meta_token_encrypted
    with db.session_scope() as s:
        granted = sorted(
            s.scalars(select(AdAccountAccess.ad_account_id).where(AdAccountAccess.user_id == stored.id))
        )
        # Their first sync is queued by the login itself: the dashboard opens on its progress.
        queued = set(s.scalars(select(SyncRun.ad_account_id).where(SyncRun.ad_account_id.in_(granted))))
    assert granted == sorted(int(a.removeprefix("act_")) for a in fb["ad_account_ids"])
    assert queued == set(granted)

    me = (await user.http_client.get("/api/me")).json()
    assert me["email"] == fb["email"] and me["connection"]["status"] == "connected"
    assert sorted(a["id"] for a in me["ad_accounts"]) == sorted(fb["ad_account_ids"])

    await user.open("/settings")
    await user.should_see("Connected")
    for account in me["ad_accounts"]:
        await user.should_see(account["name"])
    html = (await user.http_client.get("/settings")).text
    assert plain not in html and plain not in caplog.text
    assert fb["access_token"] not in caplog.text

    # Logout ends the session: pages go back to the login card.
    await user.http_client.get("/auth/logout")
    anonymous = await user.http_client.get("/settings", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=/settings")
    assert (await user.http_client.get("/api/me")).status_code == 401


async def test_denied_consent_returns_to_login(user: User, meta) -> None:
    answer = await facebook_login(user, meta, "not-a-sandbox-user")
    assert answer.headers["location"] == "/login?error=denied"
    await user.open("/login?error=denied")
    await user.should_see("You cancelled the Facebook login")


async def test_bad_state_is_refused(user: User, meta) -> None:
    await user.http_client.get("/auth/login", follow_redirects=False)
    answer = await user.http_client.get("/auth/callback?code=AQforged&state=not-ours", follow_redirects=False)
    assert answer.headers["location"] == "/login?error=state"


async def test_revoked_login_is_refused(user: User, meta) -> None:
    fb = meta.users[2]
    meta.set_faults(revoke_user=fb["id"])
    answer = await facebook_login(user, meta, fb["id"])
    assert answer.headers["location"] in ("/login?error=invalid", "/login?error=revoked")
    assert _db_user(fb["id"]) is None
    assert (await user.http_client.get("/api/me")).status_code == 401


async def test_missing_scopes_are_refused(user: User, meta) -> None:
    # The user unticks read_insights in the dialog: debug_token no longer lists it.
    fb = meta.users[0]
    answer = await facebook_login(user, meta, fb["id"], decline=("read_insights",))
    assert answer.headers["location"] == "/login?error=missing_scopes"
    assert _db_user(fb["id"]) is None
    assert meta.state()["declined_scopes"][fb["id"]] == ["read_insights"]
    await user.open("/login?error=missing_scopes")
    await user.should_see("needs permission to read your ads")
    # Logging in again and allowing it connects (the dialog grants what is requested again).
    answer = await facebook_login(user, meta, fb["id"])
    assert answer.headers["location"] == "/"


async def test_business_management_is_optional(user: User, meta) -> None:
    fb = meta.users[1]
    answer = await facebook_login(user, meta, fb["id"], decline=("business_management",))
    assert answer.headers["location"] == "/"
    stored = _db_user(fb["id"])
    assert stored is not None and stored.connection_status == ConnectionStatus.CONNECTED
    assert "business_management" not in stored.meta_token_scopes
    assert {"ads_read", "read_insights"} <= set(stored.meta_token_scopes)


def test_expired_token_is_refused(meta, session) -> None:
    expired = make_token(meta.config.seed, meta.users[0]["id"], "L", int(time.time()) - 60)
    with pytest.raises(connections.ConnectionFailed) as failure:
        connections.register_connection(session, expired, "ana@example.com")
    assert failure.value.reason == connections.FailureReason.EXPIRED
    assert expired not in str(failure.value)


def test_token_of_another_app_is_refused(meta, session, monkeypatch: pytest.MonkeyPatch) -> None:
    from trafficdash.meta import client

    real = client.app_credentials
    monkeypatch.setattr(
        connections, "app_credentials", lambda s=None: client.AppCredentials("999", real(s).app_secret)
    )
    with pytest.raises(connections.ConnectionFailed) as failure:
        connections.register_connection(session, meta.users[0]["access_token"])
    assert failure.value.reason in (connections.FailureReason.WRONG_APP, connections.FailureReason.INVALID)


async def test_meta_190_puts_the_connection_in_needs_reconnect(user: User, meta) -> None:
    from tests.support import sign_in

    with db.session_scope() as s:
        ana = connections.register_connection(s, meta.users[0]["access_token"], "ana@example.com")
        ana_id = ana.id
    with db.session_scope() as s:
        connections.mark_needs_reconnect(
            s, ana_id, f"Meta rejected access_token={meta.users[0]['access_token']}"
        )
    with db.session_scope() as s:
        stored = s.get(DbUser, ana_id)
        assert stored.connection_status == ConnectionStatus.NEEDS_RECONNECT
        assert meta.users[0]["access_token"] not in (stored.connection_error or "")
        assert connections.meta_token(stored) is None
    await sign_in(user, ana_id, "/settings")
    await user.should_see("Reconnect needed")
    await user.should_see("Facebook no longer accepts your login")
    await user.should_see("Reconnect Facebook")
    assert (await user.http_client.get("/api/me")).json()["connection"]["status"] == "needs_reconnect"
    # Logging in again heals it.
    answer = await facebook_login(user, meta, meta.users[0]["id"])
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert _db_user(meta.users[0]["id"]).connection_status == ConnectionStatus.CONNECTED


def test_cli_connect_prints_the_accounts(meta) -> None:
    from typer.testing import CliRunner

    from trafficdash.cli import app

    result = CliRunner().invoke(
        app, ["connect", "--access-token", meta.users[1]["access_token"], "--email", "bia@example.com"]
    )
    assert result.exit_code == 0, result.output
    assert "Connected bia@example.com: 2 ad account(s)" in result.output
    for act in meta.users[1]["ad_account_ids"]:
        assert act in result.output
    bad = CliRunner().invoke(app, ["connect", "--access-token", "EAASnonsense", "--email", "x@example.com"])
    assert bad.exit_code == 1


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff waits are recorded, not slept."""
    recorded: list[float] = []
    monkeypatch.setattr(throttle, "sleep", recorded.append)
    return recorded


def test_cli_connect_retries_transient_meta_errors(meta, waits) -> None:
    from typer.testing import CliRunner

    from trafficdash.cli import app

    meta.set_faults(transient_error_rate=0.3)
    for n in range(5):
        fb = meta.users[n % len(meta.users)]
        result = CliRunner().invoke(app, ["connect", "--access-token", fb["access_token"]])
        assert result.exit_code == 0, result.output
    assert waits, "some Graph calls failed transiently and were retried"


async def test_login_retries_transient_meta_errors(user: User, meta, waits) -> None:
    meta.set_faults(transient_error_rate=0.3)
    for _ in range(5):  # the login code is single-use: a transient answer must not end the login
        answer = await facebook_login(user, meta, meta.users[0]["id"])
        assert answer.status_code == 303 and answer.headers["location"] == "/", answer.headers
    assert waits, "some Graph calls failed transiently and were retried"


def test_cli_connect_email_renames_a_known_facebook_login(meta) -> None:
    from typer.testing import CliRunner

    from trafficdash.cli import app

    token = meta.users[1]["access_token"]
    first = CliRunner().invoke(app, ["connect", "--access-token", token, "--email", "bia@example.com"])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(app, ["connect", "--access-token", token, "--email", "Bia@Agency.example"])
    assert again.exit_code == 0, again.output
    assert "Connected bia@agency.example" in again.output
    assert _db_user(meta.users[1]["id"]).email == "bia@agency.example"
    # An address another user already has is refused, not silently ignored.
    CliRunner().invoke(
        app, ["connect", "--access-token", meta.users[0]["access_token"], "--email", "x@example.com"]
    )
    taken = CliRunner().invoke(app, ["connect", "--access-token", token, "--email", "x@example.com"])
    assert taken.exit_code == 1 and "already connected" in taken.output
