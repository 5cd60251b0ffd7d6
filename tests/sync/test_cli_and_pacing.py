"""The ``trafficdash sync`` command, and pacing by Meta's usage headers."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.sync.conftest import account_ids
from trafficdash.cli import app
from trafficdash.db import session_scope
from trafficdash.meta.throttle import SLOW_DOWN_AT, Throttle
from trafficdash.models import SyncStatus
from trafficdash.redis_conn import get_redis
from trafficdash.sync import lock, runs


def test_cli_syncs_an_account_and_prints_a_summary(world):
    account_id = account_ids(world)[0]
    result = CliRunner().invoke(
        app, ["sync", "--account", str(account_id), "--since", "2026-11-18", "--until", "2026-11-20"]
    )
    assert result.exit_code == 0, result.output
    assert "Sync summary" in result.output and "succeeded" in result.output
    assert "2026-11-18" in result.output


def test_cli_rejects_bad_input_clearly(world):
    bad_date = CliRunner().invoke(app, ["sync", "--since", "18/11/2026"])
    assert bad_date.exit_code == 1 and "YYYY-MM-DD" in bad_date.output
    unknown = CliRunner().invoke(app, ["sync", "--account", "123"])
    assert unknown.exit_code == 1 and "not known" in unknown.output


def test_high_usage_headers_slow_calls_down_before_meta_blocks(waits):
    throttle = Throttle()
    throttle.observe({"x-app-usage": json.dumps({"call_count": 10, "total_cputime": 5, "total_time": 8})})
    throttle.pace()
    assert waits == []
    buc = {
        "123": [
            {
                "type": "ads_insights",
                "call_count": 95,
                "total_cputime": 40,
                "total_time": 50,
                "estimated_time_to_regain_access": 0,
            }
        ]
    }
    throttle.observe({"X-Business-Use-Case-Usage": json.dumps(buc)})
    assert throttle.usage_pct == 95 > SLOW_DOWN_AT
    throttle.pace()
    assert len(waits) == 1 and waits[0] > 10


def test_cli_says_why_it_syncs_nothing_while_another_run_holds_the_lock(world):
    account_id = account_ids(world)[0]
    with session_scope() as session:
        other = runs.create_run(session, account_id, "schedule")
        other.status, other.phase = SyncStatus.RUNNING.value, "insights"
        other_id = other.id
    get_redis().set(lock.lock_key(account_id), str(other_id), ex=60)
    try:
        result = CliRunner().invoke(app, ["sync", "--account", str(account_id)])
    finally:
        get_redis().delete(lock.lock_key(account_id))
    assert result.exit_code == 1
    assert f"another sync (run {other_id}, schedule, insights) holds its lock" in " ".join(
        result.output.split()
    )
