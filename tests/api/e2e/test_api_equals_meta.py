"""After a real sync from the sandbox, the API's numbers equal Meta's own aggregate answers."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.sandbox.conftest import PINNED_TODAY, SandboxServer
from tests.support import api_only_app, bearer_for
from tests.sync.conftest import account_ids
from tests.sync.helpers import meta_insights, meta_totals
from trafficdash.db import session_scope
from trafficdash.models import AdAccountAccess, SyncRun
from trafficdash.sync.service import sync_account


def test_summary_and_breakdowns_equal_the_sandbox_after_a_sync(world: SandboxServer) -> None:
    account_id = account_ids(world)[0]
    run_id = sync_account(account_id)
    with session_scope() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None and run.status == "succeeded", run and run.error
        since, until = run.since, run.until
        user_id = session.scalar(
            select(AdAccountAccess.user_id).where(AdAccountAccess.ad_account_id == account_id)
        )
    client = TestClient(api_only_app(), headers=bearer_for(user_id))

    window = {"account_id": f"act_{account_id}", "since": since.isoformat(), "until": until.isoformat()}
    r = client.get("/api/insights/summary", params=window)
    assert r.status_code == 200, r.text
    (group,) = r.json()["groups"]
    kpis = {k: v["value"] for k, v in group["kpis"].items()}
    meta = meta_totals(world, account_id, since, until)
    assert meta["impressions"] > 0
    assert int(kpis["impressions"]) == meta["impressions"]
    assert int(kpis["clicks"]) == meta["clicks"]
    assert Decimal(kpis["spend"]) == meta["spend"]
    assert Decimal(kpis["conversions"]) == meta["conversions"]
    assert Decimal(kpis["conversion_value"]) == meta["value"]

    # Every breakdown adds up to the same spend, and the daily series too.
    for dimension in ("placement", "device", "age_gender", "country"):
        body = client.get("/api/insights/breakdown", params={**window, "dimension": dimension}).json()
        assert sum(Decimal(row["spend"]) for row in body["groups"][0]["rows"]) == meta["spend"], dimension
    daily = client.get("/api/insights/daily", params=window).json()["groups"][0]["points"]
    assert sum(Decimal(p["spend"]) for p in daily) == meta["spend"]

    # Reach of a standard range is Meta's own period reach, not a sum of days.
    last_7d = (PINNED_TODAY - timedelta(days=7), PINNED_TODAY - timedelta(days=1))
    (meta_week,) = meta_insights(
        world,
        account_id,
        level="account",
        fields="reach,impressions",
        time_range=json.dumps({"since": last_7d[0].isoformat(), "until": last_7d[1].isoformat()}),
    )
    week = client.get(
        "/api/insights/summary",
        params={"account_id": account_id, "since": last_7d[0].isoformat(), "until": last_7d[1].isoformat()},
    ).json()["groups"][0]
    assert week["kpis"]["reach"]["value"] == int(meta_week["reach"])
    assert week["reach_is_estimate"] is False
    assert Decimal(week["kpis"]["frequency"]["value"]) == Decimal(meta_week["impressions"]) / int(
        meta_week["reach"]
    )
