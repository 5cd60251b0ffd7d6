"""The real facebook-business SDK over real HTTP against the sandbox."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adreportrun import AdReportRun
from facebook_business.adobjects.campaign import Campaign
from facebook_business.adobjects.user import User
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from trafficdash.sandbox.versions import DEFAULT_VERSION as API


def api_for(srv, token: str, secret: str | None = None) -> FacebookAdsApi:
    session = FacebookSession(srv.app_id, secret if secret is not None else srv.app_secret, token)
    session.GRAPH = srv.url
    return FacebookAdsApi(session, api_version=srv.api_version)


def test_accounts_and_trailing_slash_node_reads(fb_api, sandbox_server):
    accs = list(User(fbid="me", api=fb_api).get_ad_accounts(fields=["name", "currency", "timezone_name"]))
    assert [a["id"] for a in accs] == sandbox_server.users[0]["ad_account_ids"]
    acc = AdAccount(accs[0]["id"], api=fb_api).api_get(
        fields=["name", "currency", "amount_spent", "account_status"]
    )
    assert acc["currency"] in ("BRL", "USD", "EUR") and acc["amount_spent"].isdigit()


def test_paged_campaigns_adsets_ads(fb_api, sandbox_server):
    acc = AdAccount(sandbox_server.users[0]["ad_account_ids"][0], api=fb_api)
    status = ["ACTIVE", "PAUSED", "ARCHIVED", "DELETED"]  # every object of the account
    camps = acc.get_campaigns(
        fields=["name", "objective", "effective_status", "updated_time", "daily_budget"],
        params={"limit": 2, "effective_status": status},
    )
    items = list(camps)
    assert len(items) == camps.total() == 3
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$", c["updated_time"]) for c in items)
    assert all(c["objective"].startswith("OUTCOME_") for c in items)
    adsets = list(
        acc.get_ad_sets(
            fields=["name", "targeting", "optimization_goal", "billing_event"],
            params={"limit": 3, "effective_status": status},
        )
    )
    ads = list(
        acc.get_ads(fields=["name", "creative", "adset_id"], params={"limit": 5, "effective_status": status})
    )
    assert len(adsets) == 6 and len(ads) == 12
    assert all("id" in a["creative"] for a in ads)
    future = list(
        acc.get_campaigns(
            params={
                "filtering": [{"field": "updated_time", "operator": "GREATER_THAN", "value": 4_000_000_000}]
            }
        )
    )
    assert future == []


def test_unknown_field_is_error_100(fb_api, sandbox_server):
    with pytest.raises(FacebookRequestError) as exc:
        AdAccount(sandbox_server.users[0]["ad_account_ids"][0], api=fb_api).api_get(fields=["nope"])
    assert exc.value.api_error_code() == 100


def test_sync_insights_with_breakdowns_and_paging(fb_api, sandbox_server):
    acc = AdAccount(sandbox_server.users[0]["ad_account_ids"][0], api=fb_api)
    rows = list(
        acc.get_insights(
            fields=["ad_id", "impressions", "spend", "actions"],
            params={
                "level": "ad",
                "time_increment": 1,
                "date_preset": "last_7d",
                "breakdowns": ["age", "gender"],
                "limit": 100,
            },
        )
    )
    assert len(rows) > 100 and {"age", "gender", "date_start"} <= set(rows[0].keys())
    assert isinstance(rows[0]["impressions"], str)


def test_async_report_run(fb_api, sandbox_server):
    acc = AdAccount(sandbox_server.users[0]["ad_account_ids"][0], api=fb_api)
    run = acc.get_insights(
        fields=["campaign_id", "impressions", "spend"],
        is_async=True,
        params={"level": "campaign", "time_increment": 1, "date_preset": "last_30d"},
    )
    assert isinstance(run, AdReportRun)
    seen = []
    for _ in range(10):
        run.api_get()
        seen.append(run["async_percent_completion"])
        if run["async_status"] == "Job Completed":
            break
    assert seen == sorted(seen) and seen[-1] == 100
    rows = list(run.get_result(params={"limit": 20}))
    sync = list(
        acc.get_insights(
            fields=["campaign_id", "impressions", "spend"],
            params={"level": "campaign", "time_increment": 1, "date_preset": "last_30d", "limit": 500},
        )
    )
    assert [r.export_all_data() for r in rows] == [r.export_all_data() for r in sync]


def test_async_job_failure(fb_api, sandbox_server):
    sandbox_server.set_faults(async_job_failure_rate=1.0)
    run = AdAccount(sandbox_server.users[0]["ad_account_ids"][0], api=fb_api).get_insights(is_async=True)
    for _ in range(5):
        run.api_get()
    assert run["async_status"] == "Job Failed"


def test_batch(fb_api, sandbox_server):
    results = {}
    batch = fb_api.new_batch()
    for acc_id in sandbox_server.users[0]["ad_account_ids"] + ["act_1"]:
        AdAccount(acc_id, api=fb_api).api_get(
            fields=["name"],
            batch=batch,
            success=lambda r, a=acc_id: results.__setitem__(a, r.json()),
            failure=lambda r, a=acc_id: results.__setitem__(a, r.error()),
        )
    assert batch.execute() is None
    assert results["act_1"].api_error_code() == 100
    assert all("name" in results[a] for a in sandbox_server.users[0]["ad_account_ids"])


def _code(call) -> tuple[int, int | None, FacebookRequestError]:
    with pytest.raises(FacebookRequestError) as exc:
        call()
    return exc.value.api_error_code(), exc.value.api_error_subcode(), exc.value


def test_error_families(fb_api, sandbox_server):
    acc_id = sandbox_server.users[0]["ad_account_ids"][0]
    bad = api_for(sandbox_server, "EAASnotatoken")
    assert _code(lambda: User(fbid="me", api=bad).api_get(fields=["id"]))[0] == 190
    wrong_proof = api_for(sandbox_server, sandbox_server.users[0]["access_token"], "wrongsecret")
    assert _code(lambda: User(fbid="me", api=wrong_proof).api_get(fields=["id"]))[0] == 100
    third_acc = sandbox_server.users[2]["ad_account_ids"][0]
    assert _code(lambda: list(AdAccount(third_acc, api=fb_api).get_campaigns()))[0] == 200
    assert _code(lambda: AdAccount(acc_id, api=fb_api).create_campaign(params={"name": "x"}))[0] == 10
    for code in (4, 17, 32, 613, 80000, 80004):
        sandbox_server.set_faults(rate_limit_storm_calls=1, rate_limit_code=code)
        c, _sub, err = _code(lambda: list(AdAccount(acc_id, api=fb_api).get_insights()))
        assert c == code and err.api_transient_error()
        assert json.loads(err.http_headers()["x-app-usage"])["call_count"] == 100
    sandbox_server.set_faults(transient_error_rate=1.0)
    c, _sub, err = _code(lambda: User(fbid="me", api=fb_api).api_get(fields=["id"]))
    assert c == 2 and err.api_transient_error()
    sandbox_server.set_faults(transient_error_rate=0.0, fail_paged_listing_at_page=2)
    assert _code(lambda: list(AdAccount(acc_id, api=fb_api).get_ads(params={"limit": 2})))[:2] == (1, 99)
    assert len(list(AdAccount(acc_id, api=fb_api).get_ads(params={"limit": 2}))) > 2  # fails once only
    sandbox_server.set_faults(token_expiry_after_calls=1)
    User(fbid="me", api=fb_api).api_get(fields=["id"])
    assert _code(lambda: User(fbid="me", api=fb_api).api_get(fields=["id"]))[:2] == (190, 463)
    sandbox_server.reset_faults()
    sandbox_server.set_faults(revoke_user=sandbox_server.users[0]["id"])
    assert _code(lambda: User(fbid="me", api=fb_api).api_get(fields=["id"]))[:2] == (190, 460)


def test_reduce_the_amount_of_data(sandbox_server):
    from datetime import date

    from tests.sandbox.conftest import start_sandbox
    from trafficdash.sandbox import SandboxConfig

    srv, server, thread = start_sandbox(
        SandboxConfig(scale="test", today=date(2026, 11, 20), max_sync_insight_rows=50)
    )
    try:
        api = api_for(srv, srv.users[0]["access_token"])
        c, _sub, err = _code(
            lambda: list(
                AdAccount(srv.users[0]["ad_account_ids"][0], api=api).get_insights(
                    params={"level": "ad", "time_increment": 1, "date_preset": "last_90d"}
                )
            )
        )
        assert c == 1 and "reduce the amount of data" in err.api_error_message()
    finally:
        server.should_exit = True
        thread.join(5)


def test_usage_headers_on_every_response(fb_api, sandbox_server):
    acc_id = sandbox_server.users[0]["ad_account_ids"][0]
    cursor = AdAccount(acc_id, api=fb_api).get_insights()
    headers = cursor.headers()
    for name in (
        "x-app-usage",
        "x-ad-account-usage",
        "x-business-use-case-usage",
        "x-fb-ads-insights-throttle",
    ):
        assert json.loads(headers[name]) is not None
    buc = json.loads(headers["x-business-use-case-usage"])
    assert all(entry[0]["type"] == "ads_insights" for entry in buc.values())


def test_oauth_exchange(sandbox_server):
    srv = sandbox_server
    redirect = "http://127.0.0.1:9/callback"
    with httpx.Client(base_url=srv.url) as client:
        page = client.get(
            f"/{API}/dialog/oauth",
            params={"client_id": srv.app_id, "redirect_uri": redirect, "state": "xyz", "scope": "ads_read"},
        )
        assert page.status_code == 200 and srv.users[1]["name"] in page.text
        action = re.search(r'action="([^"]+)"', page.text).group(1)
        r = client.post(
            action,
            data={
                "client_id": srv.app_id,
                "redirect_uri": redirect,
                "state": "xyz",
                "user_id": srv.users[1]["id"],
            },
        )
        assert r.status_code == 302
        loc = httpx.URL(r.headers["location"])
        assert loc.params["state"] == "xyz"
        tok = client.get(
            f"/{srv.api_version}/oauth/access_token",
            params={
                "client_id": srv.app_id,
                "client_secret": srv.app_secret,
                "redirect_uri": redirect,
                "code": loc.params["code"],
            },
        ).json()
        long = client.get(
            f"/{srv.api_version}/oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": srv.app_id,
                "client_secret": srv.app_secret,
                "fb_exchange_token": tok["access_token"],
            },
        ).json()
        assert long["expires_in"] >= 59 * 86400
        dbg = client.get(
            f"/{srv.api_version}/debug_token",
            params={"input_token": long["access_token"], "access_token": f"{srv.app_id}|{srv.app_secret}"},
        ).json()
        assert dbg["data"]["is_valid"] and dbg["data"]["user_id"] == srv.users[1]["id"]
    me = User(fbid="me", api=api_for(srv, long["access_token"])).api_get(fields=["id", "name"])
    assert me["id"] == srv.users[1]["id"]


def test_mounted_under_prefix(sandbox_server):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from trafficdash.sandbox import SandboxConfig, create_sandbox_app

    host = FastAPI()
    host.mount("/sandbox", create_sandbox_app(SandboxConfig(scale="test")))
    client = TestClient(host)
    page = client.get(
        "/sandbox/dialog/oauth", params={"client_id": sandbox_server.app_id, "redirect_uri": "http://x/cb"}
    )
    assert 'action="/sandbox/dialog/oauth"' in page.text
    token = sandbox_server.users[0]["access_token"]
    r = client.get(f"/sandbox/{API}/me/adaccounts", params={"access_token": token, "limit": 1})
    assert r.json()["paging"]["next"].startswith(f"http://testserver/sandbox/{API}/me/adaccounts?")
    _ = Campaign
