"""Bad input answers a clear 422 (or 404), never a 500: one test per cause an outside fuzzer found."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.analytics.conftest import World
from tests.support import api_only_app, bearer_for

WEEK2 = {"since": "2024-01-08", "until": "2024-01-14"}
BEYOND_BIGINT = "9223372036854775808"  # 2**63: PostgreSQL's BIGINT stops one below
HUGE = "99999999999999999999"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return api_only_app()


@pytest.fixture
def client(app: FastAPI, world: World) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    c.headers.update(bearer_for(world.ana.id))
    return c


def rule(**fields: object) -> dict[str, object]:
    return {"name": "Spend", "ad_account_id": 101, "threshold": "10", **fields}


def assert_422_saying(response, *words: str) -> None:
    assert response.status_code == 422, (response.status_code, response.text)
    text = response.text
    for word in words:
        assert word in text, (word, text)
    assert "errors.pydantic.dev" not in text


def test_ids_beyond_bigint_are_refused_in_query_path_filters_and_bodies(client: TestClient) -> None:
    for path, params in [
        ("/api/alerts/rules", {"account_id": BEYOND_BIGINT}),
        ("/api/alerts", {"account_id": BEYOND_BIGINT}),
        ("/api/insights/summary", {**WEEK2, "account_id": BEYOND_BIGINT}),
        ("/api/insights/summary", {**WEEK2, "campaign_id": HUGE}),
        ("/api/campaigns", {**WEEK2, "ad_set_id": BEYOND_BIGINT}),
        ("/api/sync/runs", {"account_id": HUGE}),
    ]:
        r = client.get(path, params=params)
        assert r.status_code in (404, 422), (path, params, r.status_code, r.text)
    assert client.get(f"/api/campaigns/{HUGE}", params=WEEK2).status_code == 422
    assert client.put(f"/api/sync/schedules/{HUGE}", json={"interval_minutes": 60}).status_code in (404, 422)
    assert client.post("/api/sync", json={"account_ids": [int(HUGE)]}).status_code in (404, 422)
    assert_422_saying(client.post("/api/alerts/rules", json=rule(ad_account_id=int(HUGE))), "ad_account_id")
    assert_422_saying(
        client.post("/api/alerts/rules", json=rule(scope="campaign", campaign_id=int(BEYOND_BIGINT))),
        "campaign_id",
    )
    assert_422_saying(
        client.post("/api/alerts/rules/from-template", json={"template": "roas_below_1", "ad_account_id": 101,
                                                            "overrides": {"campaign_id": int(HUGE)}}),
        "campaign_id",
    )  # fmt: skip


def test_a_page_beyond_any_offset_is_refused(client: TestClient) -> None:
    assert_422_saying(client.get("/api/campaigns", params={**WEEK2, "page": "400000000000000000"}), "page")


def test_dates_outside_what_can_be_compared_are_a_clear_422(client: TestClient) -> None:
    for params in [
        {"since": "0001-01-01", "until": "0001-01-05"},  # the previous period would start before year 1
        {"since": "1990-01-01", "until": "1990-01-05"},  # before Meta's ads existed
        {"since": "9999-12-20", "until": "9999-12-31"},
        {**WEEK2, "compare": "custom", "compare_since": "0001-01-01", "compare_until": "0001-01-02"},
    ]:
        for path in ("/api/insights/summary", "/api/insights/daily", "/api/campaigns"):
            assert_422_saying(client.get(path, params=params), "2004-01-01")
    assert_422_saying(
        client.get("/api/insights/summary", params={"since": "2024-01-14", "until": "2024-01-08"}), "before"
    )


def test_nul_bytes_are_refused_before_postgresql_sees_them(client: TestClient) -> None:
    for path, params in [
        ("/api/insights/summary", {**WEEK2, "search": "sum\x00mer"}),
        ("/api/campaigns", {**WEEK2, "search": "\x00"}),
        ("/api/campaigns", {**WEEK2, "status": "ACT\x00IVE"}),
        ("/api/insights/daily", {**WEEK2, "currency": "US\x00"}),
    ]:
        assert_422_saying(client.get(path, params=params), "NUL")
    assert client.get("/api/sync/run%00id").status_code in (404, 422)
    assert client.put("/api/sync/schedules/act_1%00", json={"interval_minutes": 60}).status_code in (
        404,
        422,
    )
    assert_422_saying(client.post("/api/alerts/rules", json=rule(name="Sp\x00end")), "NUL")
    assert_422_saying(client.post("/api/tokens", json={"name": "ci\x00"}), "NUL")
    schedule = {"name": "Weekly\x00", "spec": {"filters": {}, "preset": "last_7d"}}
    assert_422_saying(client.post("/api/reports/schedules", json=schedule), "NUL")
    schedule = {"name": "Weekly", "spec": {"filters": {}, "preset": "last_7d", "sort": "sp\x00end"}}
    assert client.post("/api/reports/schedules", json=schedule).status_code == 422


def test_min_impressions_is_bounded_by_its_integer_column(client: TestClient) -> None:
    assert_422_saying(
        client.post("/api/alerts/rules", json=rule(min_impressions=3_000_000_000)), "min_impressions"
    )
    assert client.post("/api/alerts/rules", json=rule(min_impressions=2**31 - 1)).status_code == 201


def test_a_non_finite_number_gets_a_422_that_can_say_so(client: TestClient) -> None:
    body = '{"name": "Spend", "ad_account_id": 101, "threshold": 1e400}'
    r = client.post("/api/alerts/rules", content=body, headers={"Content-Type": "application/json"})
    assert_422_saying(r, "threshold", "finite")
    assert '"Infinity"' in r.text or '"inf"' in r.text


def test_percent_and_underscore_in_a_search_are_literal_characters(client: TestClient, world: World) -> None:
    everything = client.get("/api/campaigns", params={**WEEK2, "account_id": 101}).json()
    assert everything["total"] == 2
    for wildcard in ("%", "_", "Summer_Sale", "%Sale"):
        params = {**WEEK2, "account_id": 101, "search": wildcard, "compare": "none"}
        r = client.get("/api/campaigns", params=params)
        assert r.status_code == 200 and r.json()["total"] == 0, (wildcard, r.text)
        summary = client.get("/api/insights/summary", params=params).json()
        assert summary["groups"][0]["kpis"]["spend"]["value"] == "0", (wildcard, summary)


def test_an_unknown_breakdown_lists_the_allowed_ones(client: TestClient) -> None:
    r = client.get("/api/reports/export/csv", params={**WEEK2, "breakdown": "junk"})
    assert_422_saying(r, "junk", "placement", "device", "age_gender", "country")


def test_openapi_states_the_export_content_types(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    csv = paths["/api/reports/export/csv"]["get"]["responses"]["200"]["content"]
    excel = paths["/api/reports/export/excel"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in csv and "application/json" not in csv
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in excel
    download = paths["/api/reports/{report_id}/download"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in download


def test_booleans_and_numbers_are_not_coerced_into_each_other(client: TestClient) -> None:
    assert_422_saying(client.post("/api/sync", json={"full_refresh": 0}), "full_refresh")
    assert_422_saying(
        client.put("/api/sync/schedules/101", json={"interval_minutes": 60, "nightly_hour": False}),
        "nightly_hour",
    )
    assert_422_saying(client.post("/api/alerts/rules", json=rule(enabled=1)), "enabled")
    assert_422_saying(client.post("/api/alerts/rules", json=rule(min_impressions=True)), "min_impressions")
    assert client.post("/api/alerts/rules", json=rule(enabled=False)).status_code == 201


def test_a_snooze_end_python_could_not_read_back_is_refused(client: TestClient) -> None:
    created = client.post("/api/alerts/rules", json=rule())
    assert created.status_code == 201, created.text
    snooze = f"/api/alerts/rules/{created.json()['id']}/snooze"
    for until in ("9999-12-31T23:00:00-14:00", "0001-01-01T00:00:00+14:00", "1990-01-01T00:00:00Z"):
        assert_422_saying(client.post(snooze, json={"until": until}), "until", "2004-01-01")
    assert client.get("/api/alerts/rules").status_code == 200
    assert client.post(snooze, json={"until": "2030-01-01T09:00:00-03:00"}).status_code == 200
