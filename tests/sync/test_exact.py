"""A sync equals Meta's own answer: totals, breakdown sums, period reach; twice = once."""

from __future__ import annotations

import json

import sqlalchemy as sa

from tests.sync.conftest import account_ids
from tests.sync.helpers import db_totals, meta_insights, meta_totals, snapshot
from trafficdash.db import get_engine, session_scope
from trafficdash.models import AdAccount, SyncRun
from trafficdash.sync.service import sync_account
from trafficdash.sync.writer import BulkWriter, SliceSpec, WriterStats  # noqa: F401 - SliceSpec: public contract


def _run(run_id: int) -> SyncRun:
    with session_scope() as session:
        run = session.get(SyncRun, run_id)
        session.expunge(run)
        return run


def test_full_sync_of_every_account_equals_meta(world):
    for account_id in account_ids(world):
        run = _run(sync_account(account_id))
        assert run.status == "succeeded", run.error
        assert run.steps_done == run.steps_total and run.rows_written > 0
        expected = meta_totals(world, account_id, run.since, run.until)
        assert db_totals(account_id, run.since, run.until) == expected
        for kind in ("placement", "device", "age_gender", "country"):
            assert db_totals(account_id, run.since, run.until, kind) == expected, kind
        with session_scope() as session:
            account = session.get(AdAccount, account_id)
            assert account.last_synced_at is not None and account.currency in (
                "BRL",
                "USD",
                "EUR",
                "GBP",
                "MXN",
            )


def test_period_reach_equals_meta(world):
    account_id = account_ids(world)[0]
    assert _run(sync_account(account_id)).status == "succeeded"
    with get_engine().connect() as conn:
        stored = {
            (r.level, r.entity_id, r.date_start.isoformat(), r.date_stop.isoformat()): r.reach
            for r in conn.execute(sa.text("SELECT * FROM period_reach"))
        }
    checked = 0
    for preset in ("last_7d", "last_14d", "last_30d", "last_90d", "this_month", "last_month"):
        for row in meta_insights(world, account_id, level="account", date_preset=preset, fields="reach"):
            assert stored[("account", account_id, row["date_start"], row["date_stop"])] == int(row["reach"])
            checked += 1
        for row in meta_insights(
            world, account_id, level="campaign", date_preset=preset, fields="reach,campaign_id"
        ):
            key = ("campaign", int(row["campaign_id"]), row["date_start"], row["date_stop"])
            assert stored[key] == int(row["reach"])
            checked += 1
    assert checked >= 12


def test_on_demand_period_reach_is_meta_and_cached(world):
    from datetime import date

    from trafficdash.sync.reach import fetch_period_reach

    account_id = account_ids(world)[0]
    assert _run(sync_account(account_id)).status == "succeeded"
    since, until = date(2026, 11, 3), date(2026, 11, 12)
    expected = meta_insights(
        world,
        account_id,
        level="account",
        fields="reach",
        time_range=json.dumps({"since": since.isoformat(), "until": until.isoformat()}),
    )
    assert fetch_period_reach(account_id, since, until, "account", account_id) == int(expected[0]["reach"])
    calls = world.state()["calls"]
    assert fetch_period_reach(account_id, since, until, "account", account_id) == int(expected[0]["reach"])
    assert world.state()["calls"] == calls  # second answer from the cache


def test_twice_equals_once_and_entities_are_incremental(world, monkeypatch):
    stats: list[WriterStats] = []
    close = BulkWriter.close

    def recording_close(self: BulkWriter) -> None:
        close(self)
        stats.append(self.stats)

    monkeypatch.setattr(BulkWriter, "close", recording_close)
    account_id = account_ids(world)[1]
    first = _run(sync_account(account_id))
    once = snapshot()
    assert once["daily"] and once["breakdown"] and once["campaigns"]
    second = _run(sync_account(account_id, since=first.since, until=first.until))
    assert second.status == "succeeded"
    assert snapshot() == once
    if get_engine().dialect.name == "postgresql":
        # The first run copies straight into empty ranges; the second merges over its own rows.
        assert stats[0].direct_slices == stats[0].slices > 0
        assert stats[1].direct_slices == 0 and stats[1].slices > 0
    cfg = world.config
    # Every entity is kept whatever its status (archived and deleted ones included), none twice.
    assert len(once["campaigns"]) == cfg.campaigns_per_account
    assert len(once["adsets"]) == cfg.campaigns_per_account * cfg.adsets_per_campaign
    assert len(once["ads"]) == cfg.campaigns_per_account * cfg.adsets_per_campaign * cfg.ads_per_adset
    assert {c[3] for c in snapshot()["campaigns"]} <= {"ACTIVE", "PAUSED", "ARCHIVED", "DELETED"}
    third = _run(sync_account(account_id, full_refresh=True))
    assert third.status == "succeeded" and snapshot()["daily"] == once["daily"]
