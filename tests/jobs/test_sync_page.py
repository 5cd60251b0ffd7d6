"""The Sync page and the header's "Sync now" in NiceGUI's simulated browser: progress, then the
refreshed history (Sync page) or the refreshed numbers (Overview)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from nicegui import ui
from nicegui.testing import User
from rq import Queue

from tests.sandbox.conftest import PINNED_TODAY
from tests.support import sign_in
from tests.ui.conftest import open_as, until
from trafficdash import db
from trafficdash.analytics import service as analytics
from trafficdash.analytics.schemas import Filters
from trafficdash.i18n.metric_format import format_metric
from trafficdash.jobs.queues import connection
from trafficdash.jobs.runner import make_worker
from trafficdash.models import AdAccountAccess, SyncRun, SyncStatus
from trafficdash.models import User as AppUser


async def test_sync_now_shows_progress_then_the_refreshed_history(user: User, world) -> None:
    with db.session_scope() as s:
        ana = s.query(AppUser).order_by(AppUser.id).first()
        ana_id = ana.id
    await sign_in(user, ana_id, "/sync")
    await user.should_see("History")
    await user.should_see(marker="history-empty")
    await user.should_see("Every 3 hours")  # each account's schedule, editable

    user.find(marker="sync-now").click()
    await user.should_see("Queued", retries=30)
    button = user.find(marker="sync-now").elements.pop()
    assert (button.text, "td-busy" in button.classes, button.enabled) == ("Syncing…", True, False)
    user.find(marker="sync-now").click()  # a double click...
    user.find(marker="sync-now-header").click()  # ...and the header button: still one run per account
    await asyncio.sleep(0.5)
    with db.session_scope() as s:
        runs = s.query(SyncRun).all()
        assert len(runs) == len({r.ad_account_id for r in runs}) > 0
    assert len(Queue("sync", connection=connection())) == len(runs)

    worked = await asyncio.to_thread(
        make_worker(["sync"], in_thread=True).work, burst=True, logging_level="WARNING"
    )
    assert worked
    await user.should_see("Sync finished", retries=60)
    # Each button polls on its own: the page's one may finish a poll after the header's toast.
    await until(
        lambda: (button.text, "td-busy" in button.classes, button.enabled) == ("Sync now", False, True),
        timeout=15,
    )
    # The toast comes first, then the page's on_synced redraw (two buttons followed the runs).
    await user.should_see(kind=ui.table, marker="sync-history", retries=50)
    with db.session_scope() as s:
        assert {r.status for r in s.query(SyncRun)} == {SyncStatus.SUCCEEDED.value}
        rows = sum(r.rows_written for r in s.query(SyncRun))
    table = user.find(kind=ui.table, marker="sync-history").elements.pop()
    assert [r["status"] for r in table.rows] == ["succeeded"] * len(runs)
    assert sum(int(r["rows"].replace(",", "")) for r in table.rows) == rows > 0
    assert {r["trigger"] for r in table.rows} == {"manual"}


async def test_header_sync_now_on_the_overview_refreshes_its_numbers(user: User, world) -> None:
    """The frame's "Sync now" syncs the account the Overview shows, then the KPI cards redraw."""
    with db.session_scope() as s:
        ana = s.query(AppUser).order_by(AppUser.id).first()
        ana_id = ana.id
        access = s.query(AdAccountAccess).filter_by(user_id=ana_id)
        shown_account, other_account = sorted(a.ad_account_id for a in access)[:2]
    week = {"since": PINNED_TODAY - timedelta(days=6), "until": PINNED_TODAY}
    await open_as(
        user,
        ana_id,
        "/",
        preset="custom",
        since=week["since"].isoformat(),
        until=week["until"].isoformat(),
        account_key=f"acc:{shown_account}",
    )
    await user.should_see(marker="empty-no-data")  # connected, nothing synced yet
    await user.should_see(marker="alert-bell")  # the frame's header: bell and sync on every page

    user.find(marker="sync-now-header").click()
    await user.should_see("Queued", retries=30)
    with db.session_scope() as s:
        assert [r.ad_account_id for r in s.query(SyncRun)] == [shown_account]  # only what is on screen
    worked = await asyncio.to_thread(
        make_worker(["sync"], in_thread=True).work, burst=True, logging_level="WARNING"
    )
    assert worked
    await user.should_see("Sync finished", retries=60)
    await user.should_see(marker="kpi-grid", retries=50)  # redrawn by on_synced, no reload

    with db.session_scope() as s:
        expected = analytics.summary(s, ana_id, Filters(account_ids=[shown_account], **week)).groups[0]
    assert expected.kpis["spend"].value > 0
    for key in ("spend", "impressions", "clicks", "conversions"):
        value = user.find(marker=f"kpi-value-{key}").elements.pop().text
        assert value == format_metric(key, expected.kpis[key].value, expected.currency, "en"), key
    with db.session_scope() as s:
        assert {r.ad_account_id for r in s.query(SyncRun)} == {shown_account} != {other_account}


def test_next_runs_show_in_the_accounts_time_zone(monkeypatch) -> None:
    import time
    from datetime import UTC, datetime

    from trafficdash.ui.account_time import account_time

    nightly = datetime(2026, 11, 30, 6, tzinfo=UTC)  # the 03:00 re-read of a Sao Paulo account
    assert account_time(nightly, "America/Sao_Paulo") == "Nov 30, 2026, 3:00\u202fAM"
    assert account_time(nightly, "Asia/Tokyo", "pt_BR") == "30 de nov. de 2026 15:00"
    # SQLite hands back naive UTC: the same moment, whatever the server's own zone.
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert account_time(nightly.replace(tzinfo=None), "America/Sao_Paulo") == "Nov 30, 2026, 3:00\u202fAM"
    finally:
        monkeypatch.undo()
        time.tzset()
    assert account_time(None, "America/Sao_Paulo") == "—"
