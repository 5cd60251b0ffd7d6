"""Real headless Chromium tests: skipped when Chromium is absent, unless CI is set (then they must run)."""

from __future__ import annotations

import os

import pytest

from tests.browser.live_app import chromium_available


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_available() or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return
    skip = pytest.mark.skip(reason="Chromium not installed (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
