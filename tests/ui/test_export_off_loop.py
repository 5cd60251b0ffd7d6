"""An export builds its workbook off the event loop: while one browser's Excel is being written,
another browser's page is answered (before, the workbook was written on the loop and froze every
browser connected to the process until it was done)."""

from __future__ import annotations

import io
import threading

import httpx
import openpyxl
import pytest
from nicegui import app
from nicegui.testing import User

from tests.ui.conftest import World, open_as, until
from trafficdash.reports import service as reports_service


async def test_a_second_browser_is_answered_while_an_export_builds(
    user: User, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    building = threading.Event()
    other_page_answered = threading.Event()
    render = reports_service.render_now

    def slow_render(*args, **kwargs) -> bytes:
        """The workbook is "large": it takes until the other browser has its page."""
        building.set()
        if not other_page_answered.wait(timeout=10):
            raise AssertionError("the other browser was not answered while the export was building")
        return render(*args, **kwargs)

    monkeypatch.setattr(reports_service, "render_now", slow_render)
    await open_as(user, world.ana.id, "/", account_key=f"acc:{world.usd1.id}")
    await user.should_see(marker="kpi-grid")

    user.find(marker="export-excel").click()
    await until(building.is_set)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as other:
        page = await other.get("/login")  # another browser: a page the event loop builds
        health = await other.get("/api/health")
    assert page.status_code == 200 and "Continue with Facebook" in page.text
    assert health.status_code == 200
    other_page_answered.set()

    response = await user.download.next(timeout=10)
    assert response.status_code == 200
    assert "Campaigns" in openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames
