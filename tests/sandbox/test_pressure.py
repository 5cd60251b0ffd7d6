"""Meta under pressure: skipped report runs, partly failed batches, pages too heavy to serve,
business-keyed usage, reach withheld for old breakdown queries."""

from __future__ import annotations

import json
from datetime import date

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.exceptions import FacebookRequestError

from trafficdash.sandbox import SandboxConfig
from trafficdash.sandbox.graph import Graph
from trafficdash.sandbox.pressure import months_before

HEAVY = [
    "ad_id",
    "impressions",
    "spend",
    "actions",
    "action_values",
    "cost_per_action_type",
    "conversions",
    "purchase_roas",
]


def _error(call) -> FacebookRequestError:
    with pytest.raises(FacebookRequestError) as exc:
        call()
    return exc.value


def test_report_runs_can_end_skipped(fb_api, sandbox_server):
    """Source: "Job Skipped" async_status in airbytehq/airbyte source-facebook-marketing streams/async_job.py (no Meta page found)."""
    sandbox_server.set_faults(async_job_skipped_rate=1.0)
    run = AdAccount(sandbox_server.users[0]["ad_account_ids"][0], api=fb_api).get_insights(is_async=True)
    for _ in range(3):
        run.api_get()
        assert run["async_status"] == "Job Skipped" and run["async_percent_completion"] == 0


def test_a_batch_answers_some_parts_and_fails_or_drops_others(fb_api, sandbox_server):
    """Source: code 960 recorded in airbytehq/airbyte source-facebook-marketing unit_tests/test_base_streams.py."""
    sandbox_server.set_faults(batch_part_error_at=2, batch_timeout_after_parts=3)
    ids = sandbox_server.users[0]["ad_account_ids"] * 2
    answers: dict[int, object] = {}
    batch = fb_api.new_batch()
    for i, acc_id in enumerate(ids):
        AdAccount(acc_id, api=fb_api).api_get(
            fields=["name"],
            batch=batch,
            success=lambda r, i=i: answers.__setitem__(i, r.json()),
            failure=lambda r, i=i: answers.__setitem__(i, r.error()),
        )
    retry = batch.execute()
    assert "name" in answers[0] and "name" in answers[2]
    assert answers[1].api_error_code() == 960 and answers[1].api_transient_error()
    assert (
        3 not in answers and retry is not None and len(retry) == 1
    )  # timed out: null, the SDK re-batches it
    sandbox_server.reset_faults()
    assert retry.execute() is None and "name" in answers[3]


def test_a_page_too_heavy_must_shrink(fb_api, sandbox_server):
    """Meta: Marketing API › Insights API › Limits and Best Practices (https://developers.facebook.com/docs/marketing-api/insights/best-practices/) for 100/1487534; 1/99 UNVERIFIED (see pressure.check_listing_page)."""
    acc = AdAccount(sandbox_server.users[0]["ad_account_ids"][0], api=fb_api)
    params = {"level": "ad", "time_increment": 1, "date_preset": "last_7d"}
    err = _error(lambda: list(acc.get_insights(fields=HEAVY, params={**params, "limit": 5000})))
    assert (err.api_error_code(), err.api_error_subcode()) == (100, 1487534)
    assert (
        err.api_error_message()
        == "(#100) Please reduce the amount of data you're asking for, then retry your request"
    )
    assert list(acc.get_insights(fields=HEAVY, params={**params, "limit": 1000}))
    heavy_ads = ["name", "creative", "tracking_specs", "issues_info", "recommendations"]
    err = _error(lambda: list(acc.get_ads(fields=heavy_ads, params={"limit": 5000})))
    assert (err.api_error_code(), err.api_error_subcode()) == (1, 99)
    assert (
        err.api_error_message()
        == "Please reduce the amount of data you're asking for, then retry your request"
    )
    assert list(acc.get_ads(fields=heavy_ads, params={"limit": 500}))


def test_business_use_case_usage_is_keyed_by_the_business(fb_api, sandbox_server):
    """Meta: Graph API › Rate Limiting › Business Use Case Rate Limits (https://developers.facebook.com/docs/graph-api/overview/rate-limiting/)."""
    acc_id = sandbox_server.users[0]["ad_account_ids"][0]
    acc = AdAccount(acc_id, api=fb_api)
    business = acc.api_get(fields=["business"])["business"]["id"]
    buc = json.loads(acc.get_insights().headers()["x-business-use-case-usage"])
    assert list(buc) == [business] and business != acc_id.removeprefix("act_")
    assert {"type", "call_count", "total_cputime", "total_time", "estimated_time_to_regain_access"} <= set(
        buc[business][0]
    )
    sandbox_server.set_faults(rate_limit_storm_calls=1, rate_limit_code=80000)
    err = _error(lambda: list(acc.get_insights()))
    throttled = json.loads(err.http_headers()["x-business-use-case-usage"])[business][0]
    assert throttled["call_count"] == 100 and throttled["estimated_time_to_regain_access"] > 0


def test_reach_is_omitted_for_breakdowns_starting_over_13_months_ago() -> None:
    """No Meta source found for the 13-month rule (third-party client comments only)."""
    today = date(2026, 11, 30)
    graph = Graph(SandboxConfig(seed=42, scale="test", today=today, history_days=480))
    acc = next(iter(graph.world.accounts.values()))
    token = graph.world.users_by_id[acc.owners[0]]["access_token"]

    def rows(since: date, breakdowns: str | None, method: str = "GET") -> list[dict]:
        params = {
            "access_token": token,
            "fields": "impressions,reach,frequency,spend",
            "time_range": json.dumps({"since": since.isoformat(), "until": today.isoformat()}),
        }
        if breakdowns:
            params["breakdowns"] = breakdowns
        reply = graph.handle("GET", [acc.id, "insights"], params, "http://sandbox")
        assert reply.status == 200, reply.body
        return reply.body["data"]

    old, recent = months_before(today, 14), months_before(today, 12)
    withheld = rows(old, "age,gender")
    assert withheld and all(
        "reach" not in r and "frequency" not in r and "impressions" in r for r in withheld
    )
    assert all("reach" in r for r in rows(recent, "age,gender"))
    assert all("reach" in r for r in rows(old, None))
