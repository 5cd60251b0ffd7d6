"""The sandbox's dialog grants the requested permissions minus the declined ones; debug_token and
me/permissions report them."""

from __future__ import annotations

import re

import httpx

from trafficdash.sandbox.versions import DEFAULT_VERSION as API

REDIRECT = "http://127.0.0.1:9/callback"


def _login(client: httpx.Client, srv, user_id: str, scope: str, declined: tuple[str, ...] = ()) -> str:
    page = client.get(
        f"/{API}/dialog/oauth",
        params={"client_id": srv.app_id, "redirect_uri": REDIRECT, "state": "s", "scope": scope},
    )
    offered = re.findall(r'name="declined_scopes" value="([^"]+)"', page.text)
    assert offered == [s for s in scope.split(",") if s != "public_profile"]
    form = {"client_id": srv.app_id, "redirect_uri": REDIRECT, "state": "s", "scope": scope}
    form |= {"user_id": user_id, "declined_scopes": list(declined)}
    code = httpx.URL(client.post(f"/{API}/dialog/oauth", data=form).headers["location"]).params["code"]
    return client.get(
        f"/{API}/oauth/access_token",
        params={
            "client_id": srv.app_id,
            "client_secret": srv.app_secret,
            "redirect_uri": REDIRECT,
            "code": code,
        },
    ).json()["access_token"]


def _scopes(client: httpx.Client, srv, token: str) -> list[str]:
    app_token = f"{srv.app_id}|{srv.app_secret}"
    data = client.get(f"/{API}/debug_token", params={"input_token": token, "access_token": app_token})
    return data.json()["data"]["scopes"]


def test_dialog_grants_requested_minus_declined(clean_faults) -> None:
    srv = clean_faults
    user = srv.users[2]
    with httpx.Client(base_url=srv.url) as client:
        # Ready-made tokens stand for an earlier full consent, read_insights included.
        assert "read_insights" in _scopes(client, srv, user["access_token"])

        token = _login(
            client, srv, user["id"], "ads_read,read_insights,business_management", ("read_insights",)
        )
        scopes = _scopes(client, srv, token)
        assert "ads_read" in scopes and "business_management" in scopes and "read_insights" not in scopes
        # Permissions belong to the user and app: every token of the user now lacks it.
        assert "read_insights" not in _scopes(client, srv, user["access_token"])
        perms = client.get(f"/{API}/me/permissions", params={"access_token": token}).json()["data"]
        assert {"permission": "read_insights", "status": "declined"} in perms
        assert {"permission": "ads_read", "status": "granted"} in perms

        # Asked again and allowed: granted again; unknown permissions are never granted.
        token = _login(client, srv, user["id"], "read_insights,no_such_permission")
        scopes = _scopes(client, srv, token)
        assert "read_insights" in scopes and "no_such_permission" not in scopes

    srv.reset_faults()  # a reset forgets consents: back to the full default
    with httpx.Client(base_url=srv.url) as client:
        token = _login(client, srv, user["id"], "ads_read", ("ads_read",))
        assert "ads_read" not in _scopes(client, srv, token)
    srv.reset_faults()
    with httpx.Client(base_url=srv.url) as client:
        assert "ads_read" in _scopes(client, srv, user["access_token"])
