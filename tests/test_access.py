from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from nicegui import app

from tests.support import bearer_for, grant, make_user, sign_in
from trafficdash.auth import access, api_tokens
from trafficdash.db import as_utc
from trafficdash.models import AdAccount


def test_visibility_is_per_user(session) -> None:
    ana, bia = make_user(session, "ana@x.io"), make_user(session, "bia@x.io")
    session.add_all([AdAccount(id=1, name="A"), AdAccount(id=2, name="B"), AdAccount(id=3, name="Shared")])
    session.flush()
    grant(session, ana, 1, 3)
    grant(session, bia, 2, 3)
    assert access.visible_account_ids(session, ana.id) == [1, 3]
    assert [a.id for a in access.visible_accounts(session, bia.id)] == [2, 3]
    assert access.require_visible(session, ana.id, ["act_3", 1]) == [3, 1]
    with pytest.raises(access.AccountNotFound):
        access.require_visible(session, ana.id, [2])
    with pytest.raises(access.AccountNotFound):
        access.require_visible(session, ana.id, ["act_x"])


def test_api_tokens_are_hashed_and_revocable(session) -> None:
    ana = make_user(session)
    token, plain = api_tokens.create_token(session, ana, "looker")
    assert plain.startswith("tdp_") and token.prefix == plain[:12]
    assert plain not in token.token_hash and len(token.token_hash) == 64
    assert api_tokens.authenticate(session, plain).id == ana.id
    assert api_tokens.authenticate(session, plain + "x") is None
    assert api_tokens.authenticated_user_id(session, plain) == ana.id
    assert api_tokens.authenticated_user_id(session, plain + "x") is None
    assert api_tokens.revoke(session, ana, token.id)
    assert api_tokens.authenticate(session, plain) is None
    assert api_tokens.authenticated_user_id(session, plain) is None


def test_token_use_is_noted_at_most_once_a_minute(session, monkeypatch) -> None:
    ana = make_user(session)
    token, plain = api_tokens.create_token(session, ana, "script")
    start = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    for seconds, expected in ((0, start), (59, start), (61, start + timedelta(seconds=61))):
        monkeypatch.setattr(api_tokens, "utcnow", lambda s=seconds: start + timedelta(seconds=s))
        assert api_tokens.authenticated_user_id(session, plain) == ana.id
        session.refresh(token)
        assert as_utc(token.last_used_at) == expected


def test_api_requires_a_user(user) -> None:
    from trafficdash import db

    with db.session_scope() as s:
        ana_id = make_user(s).id
    client = TestClient(app)
    from fastapi import APIRouter

    from trafficdash.api.deps import CurrentUser

    probe = APIRouter()

    @probe.get("/api/_probe_whoami")
    def whoami(current: CurrentUser) -> dict:
        return {"email": current.email}

    app.include_router(probe)
    assert client.get("/api/_probe_whoami").status_code == 401
    assert client.get("/api/_probe_whoami", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/_probe_whoami", headers={"Authorization": "Basic x"}).status_code == 401
    assert client.get("/api/_probe_whoami", headers=bearer_for(ana_id)).json() == {"email": "ana@example.com"}


async def test_sign_in_helper_marks_the_browser_signed_in(user) -> None:
    from trafficdash import db
    from trafficdash.auth.current import signed_in_user_id

    with db.session_scope() as s:
        ana_id = make_user(s).id
    await sign_in(user, ana_id)
    assert ana_id in [d.get("user_id") for d in app.storage._users.values()]
    assert signed_in_user_id() == ana_id  # the simulated browser's request context
