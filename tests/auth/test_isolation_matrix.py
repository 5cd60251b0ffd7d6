"""Two sandbox users who share one ad account, against every endpoint and page in the tables below.

Add your endpoint or page to a table: ``{own}`` is replaced by an account only the caller sees,
``{shared}`` by the account both see, ``{other}`` by an account only the other user sees. Each
row is checked for both users: own and shared answer ``ok``, the other's ids answer 404, and no
answer ever names the other user's private account.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from nicegui.testing import User

from tests.support import bearer_for, sign_in
from trafficdash import db
from trafficdash.auth.connections import register_connection


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # may contain {own}, {shared}, {other} (numeric ids; use act_{own} for Meta style)
    ok: int = 200


# API endpoints without account ids: answered for the caller only.
API_ROWS = [
    Row("GET", "/api/me"),
    Row("GET", "/api/tokens"),
    Row("GET", "/api/team"),
]
# API endpoints taking an account id: add rows here as endpoints appear.
API_ACCOUNT_ROWS: list[Row] = []
# Pages (NiceGUI): rendered for the caller only; with an account id, the other's id must not render its data.
PAGE_ROWS = ["/", "/settings"]


@pytest.fixture
def two_users(meta):
    """users[0] and users[1] of the sandbox: the last account of users[0] is also users[1]'s first."""
    ana_fb, bia_fb = meta.users[0], meta.users[1]
    with db.session_scope() as s:
        ana = register_connection(s, ana_fb["access_token"], "ana@example.com")
        bia = register_connection(s, bia_fb["access_token"], "bia@example.com")
        ids = ana.id, bia.id
    ana_acts = [int(a.removeprefix("act_")) for a in ana_fb["ad_account_ids"]]
    bia_acts = [int(a.removeprefix("act_")) for a in bia_fb["ad_account_ids"]]
    shared = sorted(set(ana_acts) & set(bia_acts))
    assert len(shared) == 1
    ana_own = next(a for a in ana_acts if a not in shared)
    bia_own = next(a for a in bia_acts if a not in shared)
    return {
        "ana": {"id": ids[0], "own": ana_own, "other": bia_own, "shared": shared[0]},
        "bia": {"id": ids[1], "own": bia_own, "other": ana_own, "shared": shared[0]},
    }


def _fill(path: str, who: dict, key: str) -> str:
    return path.format(own=who[key], shared=who["shared"], other=who["other"])


async def test_api_isolation(user: User, two_users) -> None:
    for name, who in two_users.items():
        headers = bearer_for(who["id"])
        for row in API_ROWS:
            answer = await user.http_client.request(row.method, row.path, headers=headers)
            assert answer.status_code == row.ok, (name, row)
            assert str(who["other"]) not in answer.text, (name, row)
        me = (await user.http_client.get("/api/me", headers=headers)).json()
        seen = {int(a["id"].removeprefix("act_")) for a in me["ad_accounts"]}
        assert seen == {who["own"], who["shared"]}, name
        for row in API_ACCOUNT_ROWS:
            for key in ("own", "shared"):
                answer = await user.http_client.request(
                    row.method, _fill(row.path, who, key), headers=headers
                )
                assert answer.status_code == row.ok, (name, row, key)
            path = row.path.format(own=who["other"], shared=who["other"], other=who["other"])
            answer = await user.http_client.request(row.method, path, headers=headers)
            assert answer.status_code == 404, (name, row)
            assert str(who["other"]) not in answer.json().get("detail", "").replace(
                f"{who['other']} not found", ""
            )


async def test_page_isolation(user: User, two_users, meta) -> None:
    names = {int(a.removeprefix("act_")): a for u in meta.users for a in u["ad_account_ids"]}
    assert names
    from trafficdash.models import AdAccount

    with db.session_scope() as s:
        account_names = {a.id: a.name for a in s.query(AdAccount)}
    for who in (two_users["ana"],):
        await sign_in(user, who["id"], "/settings")
        await user.should_see(account_names[who["own"]])
        await user.should_see(account_names[who["shared"]])
        await user.should_not_see(account_names[who["other"]])
        for path in PAGE_ROWS:
            html = (await user.http_client.get(path)).text
            assert account_names[who["other"]] not in html, path
