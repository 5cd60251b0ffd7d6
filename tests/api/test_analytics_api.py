from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.analytics.conftest import World
from tests.support import api_only_app, bearer_for

SUMMARY = "/api/insights/summary"
WEEK2 = {"since": "2024-01-08", "until": "2024-01-14"}
ENDPOINTS = [
    "/api/insights/summary",
    "/api/insights/daily",
    "/api/insights/breakdown?dimension=device",
    "/api/campaigns",
    "/api/campaigns?level=ad",
]


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return api_only_app()


@pytest.fixture
def client(app: FastAPI, world: World) -> TestClient:
    c = TestClient(app)
    c.headers.update(bearer_for(world.ana.id))
    return c


def test_endpoints_need_a_user(app: FastAPI, world: World) -> None:
    anonymous = TestClient(app)
    revoked = TestClient(app, headers={"Authorization": "Bearer tdp_not-a-real-token"})
    for path in [*ENDPOINTS, "/api/ad-accounts"]:
        assert anonymous.get(path).status_code == 401, path
        assert revoked.get(path).status_code == 401, path
        # Credentials are checked before the query: no validation details for strangers.
        for caller in (anonymous, revoked):
            bad = caller.get(path, params={"since": "not-a-date", "dimension": "nope"})
            assert bad.status_code == 401 and "since" not in bad.text, (path, bad.text)


def test_ad_accounts_lists_only_mine(client: TestClient) -> None:
    body = client.get("/api/ad-accounts").json()
    assert [(a["id"], a["currency"], a["timezone"]) for a in body] == [
        (103, "BRL", "UTC"),
        (101, "USD", "UTC"),
        (102, "USD", "UTC"),
    ]


def test_summary_groups_per_currency_with_exact_decimals(client: TestClient) -> None:
    r = client.get(SUMMARY, params={**WEEK2, "account_id": "act_102,103"})
    assert r.status_code == 200, r.text
    groups = r.json()["groups"]
    assert [(g["currency"], g["account_ids"]) for g in groups] == [("BRL", [103]), ("USD", [102])]
    usd = groups[1]["kpis"]
    assert Decimal(usd["spend"]["value"]) == Decimal("28.0007")  # 7 x 4.0001, not a float
    assert usd["spend"]["previous"] is not None and usd["cpa"]["higher_is_better"] is False
    assert usd["reach"]["value"] is None and usd["frequency"]["value"] is None
    repeated = client.get(SUMMARY, params=[("account_id", "102"), ("account_id", "103"), *WEEK2.items()])
    assert repeated.json() == r.json()


def test_summary_filters_and_presets(client: TestClient, world: World) -> None:
    paused = client.get(
        SUMMARY, params={**WEEK2, "account_id": 101, "status": "PAUSED", "compare": "none"}
    ).json()
    assert Decimal(paused["groups"][0]["kpis"]["spend"]["value"]) == Decimal("140")
    searched = client.get(SUMMARY, params={**WEEK2, "account_id": 101, "search": "summer"}).json()
    drilled = client.get(SUMMARY, params={**WEEK2, "campaign_id": world.summer.id}).json()
    # Without account_id every currency answers; the campaign's spend is in the USD group only.
    by_currency = {g["currency"]: g["kpis"]["spend"] for g in drilled["groups"]}
    assert by_currency["USD"] == searched["groups"][0]["kpis"]["spend"] and by_currency["BRL"]["value"] == "0"
    preset = client.get(SUMMARY, params={"preset": "last_7d"}).json()
    g = preset["groups"][0]
    assert (g["compare_since"] < g["since"] <= g["until"]) and g["kpis"]["spend"]["value"] == "0"


BAD_INPUTS = [
    ({"since": "2024-01-10", "until": "2024-01-01"}, "before since"),
    ({"since": "2020-01-01", "until": "2024-01-01"}, "37 months"),
    ({"since": "2024-01-01"}, "both since and until"),
    ({"preset": "last_7d", "since": "2024-01-01", "until": "2024-01-02"}, "either preset"),
    ({"preset": "last_century"}, "preset"),
    ({**WEEK2, "compare": "custom"}, "compare_since and compare_until"),
    ({**WEEK2, "compare": "sideways"}, "compare"),
    ({"since": "yesterday-ish", "until": "2024-01-02"}, "since"),
    ({**WEEK2, "currency": "EUR"}, "EUR"),
    ({**WEEK2, "campaign_id": "abc"}, "campaign_id"),
]


def test_bad_input_is_a_clear_422(client: TestClient) -> None:
    for params, message in BAD_INPUTS:
        r = client.get(SUMMARY, params=params)
        assert r.status_code == 422, (params, r.text)
        assert message in r.text, (params, r.text)


def test_another_users_account_or_campaign_is_404(client: TestClient, world: World) -> None:
    bob = bearer_for(world.bob.id)
    bob_campaign = client.get("/api/campaigns", headers=bob).json()["rows"][0]["id"]
    for path in ENDPOINTS:
        sep = "&" if "?" in path else "?"
        for query in ("account_id=201", "account_id=act_999", "account_id=abc", "account_id=101,201"):
            r = client.get(f"{path}{sep}{query}")
            assert r.status_code == 404, (path, query, r.text)
            assert "not found" in r.json()["detail"]
        assert client.get(f"{path}{sep}campaign_id={bob_campaign}").status_code == 404, path
        # ... while Bob himself gets his numbers.
        assert client.get(path, headers=bob).status_code == 200, path


def test_daily(client: TestClient) -> None:
    body = client.get("/api/insights/daily", params={**WEEK2, "account_id": 101}).json()
    (series,) = body["groups"]
    assert len(series["points"]) == 7 and len(series["compare_points"]) == 7
    assert series["points"][0]["date"] == "2024-01-08"


def test_breakdown(client: TestClient) -> None:
    body = client.get(
        "/api/insights/breakdown", params={**WEEK2, "account_id": 101, "dimension": "placement"}
    ).json()
    assert [r["label"] for r in body["groups"][0]["rows"]] == ["Facebook · Feed", "Instagram · Reels"]
    bad = client.get("/api/insights/breakdown", params={**WEEK2, "dimension": "weather"})
    assert bad.status_code == 422 and "placement" in bad.text
    assert client.get("/api/insights/breakdown", params=WEEK2).status_code == 422


def test_campaigns_levels_drill_down_and_detail(client: TestClient, world: World) -> None:
    camps = client.get(
        "/api/campaigns", params={**WEEK2, "account_id": 101, "sort": "name", "order": "asc"}
    ).json()
    assert [r["name"] for r in camps["rows"]] == ["Brand Awareness", "Summer Sale"] and camps["total"] == 2
    sets = client.get(
        "/api/campaigns", params={**WEEK2, "level": "adset", "campaign_id": world.summer.id}
    ).json()
    assert [r["name"] for r in sets["rows"]] == ["Summer - Lookalike"]
    ads = client.get(
        "/api/campaigns",
        params={**WEEK2, "level": "ad", "ad_set_id": world.summer_set.id, "sort": "name", "order": "asc"},
    ).json()
    assert [r["name"] for r in ads["rows"]] == ["Ad A", "Ad B"] and ads["rows"][0]["creative"][
        "title"
    ] == "Hot deals"
    detail = client.get(f"/api/campaigns/{world.ad_c.id}", params={**WEEK2, "level": "ad"}).json()
    assert detail["row"]["name"] == "Ad C" and len(detail["daily"]["points"]) == 7
    assert client.get(f"/api/campaigns/{world.ad_c.id}", params={"level": "campaign"}).status_code == 404
    assert client.get("/api/campaigns/1", headers=bearer_for(world.bob.id)).status_code == 404
    for bad in ({"level": "creative"}, {"sort": "colour"}, {"order": "up"}, {"page": 0}, {"page_size": 5000}):
        r = client.get("/api/campaigns", params={**WEEK2, **bad})
        assert r.status_code == 422, (bad, r.text)


def test_openapi_documents_the_responses(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for path in (
        "/api/ad-accounts",
        "/api/campaigns",
        "/api/insights/summary",
        "/api/insights/daily",
        "/api/insights/breakdown",
    ):
        ok = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok, path
    assert "KpiValue" in doc["components"]["schemas"]
