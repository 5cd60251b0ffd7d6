"""Page tests: the analytics ``world`` (rows inserted and rolled up, Jan 1-14 2024) and helpers to
sign a simulated browser in with chosen dashboard filters."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from nicegui import app
from nicegui.testing import User as SimUser

from tests.analytics.conftest import World, world
from tests.support import _browser_session_id, sign_in
from trafficdash.ui.state import STORAGE_KEY

JAN = {"preset": "custom", "since": "2024-01-01", "until": "2024-01-14"}
WEEK2 = {"preset": "custom", "since": "2024-01-08", "until": "2024-01-14"}


async def open_as(sim: SimUser, user_id: int, path: str = "/", **filters: Any) -> None:
    """Sign in with these dashboard filters already chosen (what the filter bar stores), then open."""
    response = await sim.http_client.get("/api/health")
    assert response.status_code == 200
    storage = app.storage._users[_browser_session_id(sim)]
    storage[STORAGE_KEY] = {**WEEK2, **filters}
    await sign_in(sim, user_id, path)


async def settled(sim: SimUser, timeout: float = 5.0) -> None:
    """Wait until a filter change has redrawn: the loading skeleton came and went."""
    await asyncio.sleep(0.05)  # let the change handler start
    deadline = time.monotonic() + timeout
    while _loading(sim):
        assert time.monotonic() < deadline, "still loading"
        await asyncio.sleep(0.02)


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def _loading(sim: SimUser) -> bool:
    try:
        return bool(sim.find(marker="loading").elements)
    except AssertionError:  # find() insists on a match
        return False


__all__ = ["JAN", "WEEK2", "World", "open_as", "settled", "until", "world"]
