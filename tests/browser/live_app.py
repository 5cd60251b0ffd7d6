"""A real `trafficdash serve` process on a free port (the test database and Redis, the embedded
sandbox as Meta) and a headless Chromium driven by Playwright. Shared by the browser tests and
benchmarks/dashboard_browser.py."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

CHROMIUM = os.environ.get("TRAFFICDASH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(extra_env: dict[str, str] | None = None, timeout: float = 120) -> Iterator[str]:
    """`trafficdash serve` in a subprocess; yields its base URL and stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "TRAFFICDASH_SYNC_HISTORY_DAYS": "10",
        "TRAFFICDASH_SYNC_LOOKBACK_DAYS": "3",
        **(extra_env or {}),
    }
    env.pop("TRAFFICDASH_META_GRAPH_URL", None)  # the embedded sandbox plays Meta
    # The in-process Redis stand-in: `serve` then runs the worker and scheduler threads itself,
    # so the login's first sync happens without separate worker processes.
    env.pop("TRAFFICDASH_REDIS_URL", None)
    for key in [k for k in env if k.startswith(("NICEGUI_", "PYTEST_"))]:
        env.pop(key)  # pytest's NiceGUI plugin marks its own process as a simulation
    SCREENSHOTS.mkdir(exist_ok=True)  # absent on a clean checkout (it is git-ignored)
    log = open(SCREENSHOTS / f"serve-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-c", "from trafficdash.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"trafficdash serve exited with {proc.returncode}; see {log.name}")
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"trafficdash serve did not answer within {timeout}s; see {log.name}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def sign_in_with_sandbox(page, base: str) -> None:
    """The real login: /auth/login -> the sandbox's Facebook dialog -> pick its first user -> back."""
    page.goto(f"{base}/auth/login?next=/accounts")
    page.locator("button[name=user_id]").first.click()
    page.wait_for_url(f"{base}/**", timeout=30_000)


def wait_for_data(page, base: str, timeout: float = 240, *, every_group: bool = False) -> dict:
    """Poll the API (with the browser's own session cookie) until the first sync has landed
    (in every currency group when asked)."""
    deadline = time.monotonic() + timeout
    while True:
        response = page.request.get(f"{base}/api/insights/summary?preset=last_30d")
        if response.ok:
            body = response.json()
            groups = body.get("groups") or []
            delivered = [int(g["kpis"]["impressions"]["value"] or 0) > 0 for g in groups]
            if groups and (all(delivered) if every_group else any(delivered)):
                return body
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no synced data after {timeout}s: {response.status} {response.text()[:300]}"
            )
        time.sleep(1)
