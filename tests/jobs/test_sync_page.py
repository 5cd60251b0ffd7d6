"""The Sync page in NiceGUI's simulated browser: "Sync now" shows progress, then the refreshed history."""

from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User
from rq import Queue

from tests.support import sign_in
from trafficdash import db
from trafficdash.jobs.queues import connection
from trafficdash.jobs.runner import make_worker
from trafficdash.models import SyncRun, SyncStatus
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
    with db.session_scope() as s:
        assert {r.status for r in s.query(SyncRun)} == {SyncStatus.SUCCEEDED.value}
        rows = sum(r.rows_written for r in s.query(SyncRun))
    table = user.find(kind=ui.table, marker="sync-history").elements.pop()
    assert [r["status"] for r in table.rows] == ["succeeded"] * len(runs)
    assert sum(int(r["rows"].replace(",", "")) for r in table.rows) == rows > 0
    assert {r["trigger"] for r in table.rows} == {"manual"}
