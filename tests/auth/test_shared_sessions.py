"""Two `trafficdash serve` processes on the same PostgreSQL and Redis share login sessions: a
browser signed in on one (the real OAuth flow against the sandbox) is signed in on the other."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
import redis

from tests.browser.live_app import free_port
from tests.sandbox.conftest import SandboxServer
from trafficdash.auth.sessions import SESSION_KEY_PREFIX

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60

pytestmark = pytest.mark.skipif(
    not os.environ.get("TRAFFICDASH_REDIS_URL") or not os.environ.get("TRAFFICDASH_DATABASE_URL"),
    reason="needs the real PostgreSQL and Redis (always there in CI)",
)


@contextmanager
def serve(port: int, env: dict[str, str], log_dir: Path) -> Iterator[str]:
    log = (log_dir / f"serve-{port}.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from trafficdash.cli import main; main()", "serve", "--port", str(port)],
        env={**env, "TRAFFICDASH_PUBLIC_URL": f"http://127.0.0.1:{port}"},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"serve exited with {proc.returncode}: {(log_dir / log.name).read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "serve did not start"
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


def test_a_login_on_one_replica_works_on_the_other(clean_faults: SandboxServer, tmp_path: Path) -> None:
    meta = clean_faults
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NICEGUI_", "PYTEST_"))}
    env |= {
        "TRAFFICDASH_SESSION_STORE": "redis",
        "TRAFFICDASH_META_GRAPH_URL": meta.url,
        "TRAFFICDASH_SANDBOX_SEED": str(meta.config.seed),
        "TRAFFICDASH_DATA_DIR": str(tmp_path),
    }
    fb = meta.users[0]
    with ExitStack() as stack, httpx.Client(timeout=30) as browser:
        one = stack.enter_context(serve(free_port(), env, tmp_path))
        two = stack.enter_context(serve(free_port(), env, tmp_path))
        assert browser.get(f"{two}/api/me").status_code == 401

        # The real login on replica one: app -> sandbox dialog -> consent -> app callback.
        dialog = browser.get(f"{one}/auth/login", params={"next": "/settings"}, follow_redirects=False)
        assert dialog.status_code == 302 and dialog.headers["location"].startswith(meta.url)
        page = browser.get(dialog.headers["location"])
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
        consent = browser.post(dialog.headers["location"].split("?")[0], data={**hidden, "user_id": fb["id"]})
        callback = browser.get(consent.headers["location"], follow_redirects=False)
        assert callback.status_code == 303 and callback.headers["location"] == "/settings", callback.text
        assert browser.get(f"{one}/api/me").json()["email"] == fb["email"]

        # The same cookie on replica two: signed in, the same user and ad accounts.
        me = browser.get(f"{two}/api/me")
        assert me.status_code == 200, me.text
        assert me.json()["email"] == fb["email"]
        assert sorted(a["id"] for a in me.json()["ad_accounts"]) == sorted(fb["ad_account_ids"])
        settings_page = browser.get(f"{two}/settings", follow_redirects=False)
        assert settings_page.status_code == 200
        client = redis.Redis.from_url(os.environ["TRAFFICDASH_REDIS_URL"])
        assert list(client.scan_iter(f"{SESSION_KEY_PREFIX}*"))

        # Logging out on replica two signs the browser out on replica one as well.
        browser.get(f"{two}/auth/logout")
        assert browser.get(f"{one}/api/me").status_code == 401
