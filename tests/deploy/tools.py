"""External checkers (docker-compose, hadolint, nginx): skipped locally when absent, required in CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(name: str, install_hint: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    message = f"`{name}` is not installed ({install_hint}); .ci/run installs it"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)
