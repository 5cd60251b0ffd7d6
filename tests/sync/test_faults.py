"""Faults end exact, or stopped with a recorded reason and then resumed exactly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.sync.conftest import account_ids
from tests.sync.helpers import clear_data, db_totals, meta_totals, snapshot
from trafficdash.db import session_scope
from trafficdash.models import ConnectionStatus, SyncRun, User
from trafficdash.sync import service
from trafficdash.sync.service import sync_account

# Before the lookback window (the world's 3 days before 2026-11-20): a rerun may skip the slices a
# stopped run wrote minutes ago (the window itself is always read again: test_resume.py).
SINCE, UNTIL = date(2026, 11, 8), date(2026, 11, 16)


def _run(run_id: int) -> SyncRun:
    with session_scope() as session:
        run = session.get(SyncRun, run_id)
        session.expunge(run)
        return run


def _clean_reference(world, account_id: int) -> dict:
    """What one clean run writes (faults off), then the tables are emptied again."""
    world.reset_faults()
    assert _run(sync_account(account_id, since=SINCE, until=UNTIL)).status == "succeeded"
    ref = snapshot()
    clear_data()
    return ref


def _exact(world, account_id: int) -> None:
    assert db_totals(account_id, SINCE, UNTIL) == meta_totals(world, account_id, SINCE, UNTIL)


def test_transient_errors_and_broken_listing_pages_end_exact(world, waits, monkeypatch):
    account_id = account_ids(world)[0]
    ref = _clean_reference(world, account_id)
    # Small pages, so that every listing and insights answer has a second page to break.
    monkeypatch.setattr(service.TUNING.reader, "entity_page_size", 5)
    monkeypatch.setattr(service.TUNING.reader, "insight_page_size", 200)
    world.set_faults(transient_error_rate=0.15, fail_paged_listing_at_page=2)
    run = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert run.status == "succeeded", run.error
    assert waits, "transient errors were retried after a backoff"
    world.reset_faults()
    assert snapshot() == ref
    _exact(world, account_id)


def test_rate_limit_storm_waits_as_meta_asks_and_ends_exact(world, waits):
    account_id = account_ids(world)[0]
    world.set_faults(rate_limit_storm_calls=3)
    run = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert run.status == "succeeded", run.error
    # The sandbox says estimated_time_to_regain_access = 5 (minutes): each retry waited that long.
    assert sum(1 for w in waits if w >= 300) == 3
    _exact(world, account_id)


def test_endless_rate_limiting_stops_with_reason_then_resumes_exactly(world, waits):
    account_id = account_ids(world)[0]
    ref = _clean_reference(world, account_id)
    world.set_faults(rate_limit_storm_calls=10_000)
    run = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert run.status == "failed" and run.error_code == "throttled"
    assert "gave up" in run.error
    # reset=True does not clear the storm counter in the sandbox (reported to the lead): zero it explicitly.
    world.set_faults(reset=True, rate_limit_storm_calls=0)
    assert _run(sync_account(account_id, since=SINCE, until=UNTIL)).status == "succeeded"
    assert snapshot() == ref


def test_token_expiry_mid_sync_marks_reconnect_and_resumes_exactly(world):
    account_id = account_ids(world)[0]
    ref = _clean_reference(world, account_id)
    world.set_faults(token_expiry_after_calls=12)
    run = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert run.status == "failed" and run.error_code == "token_expired"
    assert "reconnect" in run.error
    assert 0 < run.steps_done < run.steps_total  # stopped midway; what was written is checkpointed
    with session_scope() as session:
        users = session.query(User).all()
        owners = [u for u in users if u.connection_status == ConnectionStatus.NEEDS_RECONNECT]
        assert owners and all(u.connection_error for u in owners)
        for u in owners:  # the users log in again
            u.connection_status = ConnectionStatus.CONNECTED.value
    world.reset_faults()
    resumed = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert resumed.status == "succeeded"
    assert resumed.checkpoint["skipped_slices"] > 0
    assert snapshot() == ref


def test_revoked_user_falls_back_to_another_connected_user(world):
    shared = next(a for a in world.users[0]["ad_account_ids"] if a in world.users[1]["ad_account_ids"])
    account_id = int(shared.removeprefix("act_"))
    world.set_faults(revoke_user=world.users[0]["id"])
    run = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert run.status == "succeeded", run.error
    with session_scope() as session:
        first = session.query(User).filter_by(meta_user_id=world.users[0]["id"]).one()
        assert first.connection_status == ConnectionStatus.NEEDS_RECONNECT
    _exact(world, account_id)


def test_failing_async_report_runs_are_retried_or_split_and_end_exact(world, monkeypatch):
    account_id = account_ids(world)[0]
    ref = _clean_reference(world, account_id)
    monkeypatch.setattr(service.TUNING, "async_above_rows", 0)  # every slice through a report run
    world.set_faults(async_job_failure_rate=0.5)
    run = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert run.status == "succeeded", run.error
    assert world.state()["report_runs"] > 0
    world.reset_faults()
    assert snapshot() == ref
    _exact(world, account_id)


def test_always_failing_async_runs_stop_with_reason_and_never_show_partial_numbers(world, monkeypatch):
    account_id = account_ids(world)[0]
    ref = _clean_reference(world, account_id)
    monkeypatch.setattr(service.TUNING, "async_above_rows", 0)
    world.set_faults(async_job_failure_rate=1.0)
    run = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert run.status == "failed" and "Job Failed" in run.error
    with session_scope() as session:
        from trafficdash.models import AdAccount

        assert session.get(AdAccount, account_id).last_synced_at is None  # never marked complete
    world.reset_faults()
    assert _run(sync_account(account_id, since=SINCE, until=UNTIL)).status == "succeeded"
    assert snapshot() == ref


def test_crash_after_some_slices_then_rerun_equals_one_clean_run(world, monkeypatch):
    account_id = account_ids(world)[0]
    ref = _clean_reference(world, account_id)
    original = service._SyncJob.write_slice
    calls = {"n": 0}

    def crashing(self, reader, sl, prepared=None, depth=0):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker died")
        return original(self, reader, sl, prepared, depth)

    monkeypatch.setattr(service._SyncJob, "write_slice", crashing)
    with pytest.raises(RuntimeError):
        sync_account(account_id, since=SINCE, until=UNTIL)
    monkeypatch.setattr(service._SyncJob, "write_slice", original)
    resumed = _run(sync_account(account_id, since=SINCE, until=UNTIL))
    assert resumed.status == "succeeded" and resumed.checkpoint["skipped_slices"] >= 3
    assert snapshot() == ref


def test_restated_conversions_replace_old_values(world, monkeypatch):
    from datetime import UTC, datetime

    from trafficdash.sync import clock

    account_id = account_ids(world)[0]
    assert _run(sync_account(account_id)).status == "succeeded"
    pinned = world.config.today
    since = pinned - timedelta(days=2)  # within the 3-day lookback of the later sync
    before = db_totals(account_id, since, pinned)
    later = pinned + timedelta(days=1)
    monkeypatch.setattr(
        clock, "now_utc", lambda: datetime(later.year, later.month, later.day, 15, tzinfo=UTC)
    )
    world.config.today = later
    try:
        run = _run(sync_account(account_id))
        assert run.status == "succeeded" and run.since <= since  # the lookback window was re-read
        after = db_totals(account_id, since, pinned)
        truth = meta_totals(world, account_id, since, pinned)
        assert after == truth
        assert after["conversions"] > before["conversions"]  # Meta restated: the new values replaced the old
    finally:
        world.config.today = pinned
