"""The Reports page: recent reports with their status, and the export buttons."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from tests.analytics.conftest import World
from tests.support import sign_in
from trafficdash import db
from trafficdash.analytics.schemas import Filters
from trafficdash.reports import schedules, service
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
    user.find(marker="build-report").click()  # its database work runs in a worker thread (ui.io.load)
    await user.should_see("building in the background", retries=50)
    with db.session_scope() as session:
        assert len(service.list_reports(session, world.ana.id)) == 2


async def test_reports_page_speaks_portuguese(user: User, world: World) -> None:
    await sign_in(user, world.ana.id, "/")
    user.find(marker="locale-switch").elements.pop().set_value("pt_BR")
    await user.should_see("Visão geral", retries=50)  # the switch reloads the page: let it land first
    await user.open("/reports")
    await user.should_see("Montar um relatório")
    await user.should_see("Relatórios recentes")
    await user.should_see("Relatórios agendados")
    level = user.find(marker="report-level").elements.pop()
    assert level.options == {
        "account": "Conta",
        "campaign": "Campanha",
        "adset": "Conjunto de anúncios",
        "ad": "Anúncio",
    }
    user.find(marker="schedule-name").type("Cliente semanal")
    user.find(marker="schedule-accounts").elements.pop().set_value([102])
    user.find(marker="schedule-hour").elements.pop().set_value(8)
    user.find(marker="add-schedule").click()
    await user.should_see("Agendado", retries=50)
    await user.should_see("Cliente semanal", retries=50)
    await user.should_see("Semanal, próximo em", retries=50)
    with db.session_scope() as session:
        (row,) = schedules.list_schedules(session, world.ana.id)
        assert (row.hour, row.weekday, row.spec["filters"]["account_ids"]) == (8, 0, [102])
        assert row.spec["locale"] == "pt_BR" and row.spec["preset"] == "last_7d"
