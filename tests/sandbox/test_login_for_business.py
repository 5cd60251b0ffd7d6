"""Facebook Login for Business: a config_id fixes the permissions, the user picks ad accounts, and
debug_token reports granular scopes with the granted accounts."""

from __future__ import annotations

import httpx

from trafficdash.sandbox.cli import describe
from trafficdash.sandbox.versions import DEFAULT_VERSION as API

REDIRECT = "http://127.0.0.1:9/callback"


def _code_to_token(client: httpx.Client, srv, form: dict) -> str:
    location = client.post(f"/{API}/dialog/oauth", data=form).headers["location"]
    code = httpx.URL(location).params["code"]
    params = {
        "client_id": srv.app_id,
        "client_secret": srv.app_secret,
        "redirect_uri": REDIRECT,
        "code": code,
    }
    return client.get(f"/{API}/oauth/access_token", params=params).json()["access_token"]


def _debug(client: httpx.Client, srv, token: str) -> dict:
    app_token = f"{srv.app_id}|{srv.app_secret}"
    return client.get(f"/{API}/debug_token", params={"input_token": token, "access_token": app_token}).json()[
        "data"
    ]


def test_config_id_login_grants_its_permissions_on_the_picked_accounts(clean_faults) -> None:
    """Meta: Facebook Login for Business (https://developers.facebook.com/docs/facebook-login/facebook-login-for-business/); granular_scopes shape UNVERIFIED."""
    srv = clean_faults
    configs = describe(srv.config, srv.url)["login_configurations"]
    reporting = next(c for c in configs if c["permissions"] == ["ads_read", "business_management"])
    user = srv.users[0]
    mine = [a.removeprefix("act_") for a in user["ad_account_ids"]]
    with httpx.Client(base_url=srv.url) as client:
        page = client.get(
            f"/{API}/dialog/oauth",
            params={"client_id": srv.app_id, "redirect_uri": REDIRECT, "config_id": reporting["config_id"]},
        )
        assert page.status_code == 200 and 'name="declined_scopes"' not in page.text
        assert f'name="asset_ids" value="{mine[0]}"' in page.text
        form = {"client_id": srv.app_id, "redirect_uri": REDIRECT, "config_id": reporting["config_id"]}
        form |= {"user_id": user["id"], "assets_offered": "1", "asset_ids": [mine[0]]}
        token = _code_to_token(client, srv, form)
        data = _debug(client, srv, token)
        assert data["scopes"] == ["ads_read", "business_management", "email", "public_profile"]
        granular = {g["scope"]: g.get("target_ids") for g in data["granular_scopes"]}
        assert granular["ads_read"] == [mine[0]]
        business = client.get(f"/{API}/act_{mine[0]}", params={"access_token": token, "fields": "business"})
        assert granular["business_management"] == [business.json()["business"]["id"]]
        listed = client.get(f"/{API}/me/adaccounts", params={"access_token": token}).json()["data"]
        assert [a["account_id"] for a in listed] == [mine[0]]
        other = client.get(f"/{API}/act_{mine[1]}/campaigns", params={"access_token": token})
        assert other.status_code == 400 and other.json()["error"]["code"] == 200

        # A classic scope login afterwards reaches every account again, with no target ids.
        classic = {
            "client_id": srv.app_id,
            "redirect_uri": REDIRECT,
            "scope": "ads_read",
            "user_id": user["id"],
        }
        token = _code_to_token(client, srv, classic)
        assert all("target_ids" not in g for g in _debug(client, srv, token)["granular_scopes"])
        listed = client.get(f"/{API}/me/adaccounts", params={"access_token": token}).json()["data"]
        assert sorted(a["account_id"] for a in listed) == sorted(mine)


def test_unknown_config_id_is_refused(clean_faults) -> None:
    srv = clean_faults
    r = httpx.get(
        f"{srv.url}/{API}/dialog/oauth",
        params={"client_id": srv.app_id, "redirect_uri": REDIRECT, "config_id": "123"},
    )
    assert r.status_code == 400 and "config_id" in r.text
