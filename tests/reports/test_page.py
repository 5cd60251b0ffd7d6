"""The Reports page: recent reports with their status, and the export buttons."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from tests.analytics.conftest import World
from tests.support import sign_in
from trafficdash import db
from trafficdash.analytics.schemas import Filters
from trafficdash.reports import service
from trafficdash.reports.spec import ReportSpec


async def test_reports_page_lists_recent_reports_and_builds_one(
    user: User, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    spec = ReportSpec(filters=Filters(since=date(2024, 1, 8), until=date(2024, 1, 14)), level="ad")
    with db.session_scope() as session:
        service.create_report(session, world.ana.id, spec, title="Client January")
        service.create_report(session, world.bob.id, spec, title="Bob's own")
    await sign_in(user, world.ana.id, "/reports")
    await user.should_see("Recent reports")
    await user.should_see("Client January")
    await user.should_not_see("Bob's own")
    await user.should_see("Scheduled reports")
    # A large build from the page is queued and listed.
    monkeypatch.setattr(service, "SYNC_ROW_LIMIT", 0)
    user.find(marker="build-report").click()
    await user.should_see("building in the background")
    with db.session_scope() as session:
        assert len(service.list_reports(session, world.ana.id)) == 2
