"""Helpers shared by tests: users, API tokens, and signing a simulated browser in."""

from __future__ import annotations

import base64
import json

from fastapi import FastAPI
from nicegui import app
from nicegui.testing import User as SimUser
from sqlalchemy.orm import Session

from trafficdash import db
from trafficdash.auth import api_tokens
from trafficdash.auth.current import SESSION_USER_KEY
from trafficdash.models import AdAccountAccess, User


def api_only_app() -> FastAPI:
    """The /api routers alone (what app.build() mounts), without the NiceGUI pages: fast."""
    from trafficdash.api import install_api

    api = FastAPI()
    install_api(api)
    return api


def make_user(session: Session, email: str = "ana@example.com", name: str = "Ana") -> User:
    user = User(email=email, name=name)
    session.add(user)
    session.flush()
    return user


def grant(session: Session, user: User, *account_ids: int) -> None:
    for account_id in account_ids:
        session.add(AdAccountAccess(user_id=user.id, ad_account_id=account_id))
    session.flush()


def bearer_for(user_id: int, name: str = "tests") -> dict[str, str]:
    """Authorization headers with a fresh personal API token of that user."""
    with db.session_scope() as session:
        user = session.get(User, user_id)
        assert user is not None
        _, plain = api_tokens.create_token(session, user, name)
    return {"Authorization": f"Bearer {plain}"}


def _browser_session_id(sim: SimUser) -> str:
    cookie = sim.http_client.cookies.get("session")
    assert cookie, "open a page first so the browser has a session"
    payload = cookie.split(".")[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))["id"]


async def sign_in(sim: SimUser, user_id: int, path: str = "/") -> None:
    """Mark the simulated browser as signed in (what the OAuth callback does), then open ``path``.

    The OAuth flow itself is tested end to end over real HTTP in tests/auth; page tests only
    need a signed-in browser.
    """
    response = await sim.http_client.get("/api/health")
    assert response.status_code == 200
    session_id = _browser_session_id(sim)
    app.storage._users[session_id][SESSION_USER_KEY] = user_id
    await sim.open(path)
