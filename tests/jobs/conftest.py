"""Jobs tests: the sandbox over real HTTP, connected users (the sync tests' ``world``), and real
``trafficdash worker`` / ``trafficdash scheduler`` processes that inherit the test environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sandbox.conftest import clean_faults, sandbox_server  # noqa: F401
from tests.sync.conftest import waits, world  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
CLI = [str(Path(sys.executable).parent / "trafficdash")]


def run_cli(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """A real ``trafficdash`` process with this test's environment (database, Redis, sandbox URL)."""
    return subprocess.run(
        [*CLI, *args], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=timeout
    )


def start_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *args],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def real_redis(services) -> None:
    if not services.real_redis:
        pytest.skip("needs the real Redis server (worker and scheduler processes share it)")
