"""A real sandbox on loopback (uvicorn in a background thread), reusable by any test that talks to Meta."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
import uvicorn

from trafficdash.sandbox import SandboxConfig, create_sandbox_app, sandbox_app_credentials

PINNED_TODAY = date(2026, 11, 20)


@dataclass
class SandboxServer:
    url: str  # Graph base URL (what FacebookSession.GRAPH / url_override should be)
    config: SandboxConfig
    users: list[dict]
    app_id: str
    app_secret: str

    @property
    def api_version(self) -> str:
        return self.config.api_version

    def set_faults(self, **faults: Any) -> dict:
        r = httpx.post(f"{self.url}/__sandbox__/faults", json=faults, timeout=10)
        r.raise_for_status()
        return r.json()

    def reset_faults(self) -> dict:
        return self.set_faults(reset=True)

    def state(self) -> dict:
        return httpx.get(f"{self.url}/__sandbox__/state", timeout=10).json()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sandbox(config: SandboxConfig) -> tuple[SandboxServer, uvicorn.Server, threading.Thread]:
    app = create_sandbox_app(config)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("sandbox did not start")
        time.sleep(0.02)
    app_id, secret = sandbox_app_credentials(config.seed)
    return (
        SandboxServer(f"http://127.0.0.1:{port}", config, app.state.graph.world.users, app_id, secret),
        server,
        thread,
    )


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    """A small sandbox (scale "test", seed 42, today pinned) served over real HTTP on a free port."""
    handle, server, thread = start_sandbox(SandboxConfig(seed=42, scale="test", today=PINNED_TODAY))
    yield handle
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def clean_faults(sandbox_server: SandboxServer) -> Iterator[SandboxServer]:
    sandbox_server.reset_faults()
    yield sandbox_server
    sandbox_server.reset_faults()


@pytest.fixture
def fb_api(clean_faults: SandboxServer):
    """The official SDK pointed at the sandbox, as the first user (with appsecret_proof)."""
    from facebook_business.api import FacebookAdsApi
    from facebook_business.session import FacebookSession

    srv = clean_faults
    session = FacebookSession(srv.app_id, srv.app_secret, srv.users[0]["access_token"])
    session.GRAPH = srv.url
    api = FacebookAdsApi(session, api_version=srv.api_version)
    FacebookAdsApi.set_default_api(api)
    return api
