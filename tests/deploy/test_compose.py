"""docker-compose.yml: valid for Compose (Debian's docker-compose parses and validates it) and
shaped as the deployment needs (scaling, health conditions, one-shot migrations, persistence)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.tools import ROOT, require_tool

REQUIRED_ENV = {
    "POSTGRES_PASSWORD": "0123456789abcdef",
    "TRAFFICDASH_SECRET_KEY": "a-secret-key-for-the-compose-check",
    "TRAFFICDASH_PUBLIC_URL": "https://dashboard.example.com",
}
APP_SERVICES = ("migrate", "web", "worker", "scheduler")


def _project(tmp_path: Path) -> Path:
    """The compose project as an operator has it: the repo files plus `cp .env.example .env`."""
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    return tmp_path


def _compose(project: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = require_tool("docker-compose", "apt-get install docker-compose")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TRAFFICDASH_", "POSTGRES_"))}
    return subprocess.run(
        [binary, "--project-directory", str(project), "-f", str(project / "docker-compose.yml"), *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
        check=False,
    )


def test_compose_config_is_valid(tmp_path: Path) -> None:
    result = _compose(_project(tmp_path), "config", "-q", env=REQUIRED_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED_ENV))
def test_compose_refuses_to_start_without_a_required_value(tmp_path: Path, missing: str) -> None:
    env = {k: v for k, v in REQUIRED_ENV.items() if k != missing}
    result = _compose(_project(tmp_path), "config", "-q", env=env)
    assert result.returncode != 0 and missing in result.stderr


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The fully interpolated model (docker-compose config), or the raw file where it is absent."""
    project = _project(tmp_path_factory.mktemp("compose"))
    if shutil.which("docker-compose"):
        result = _compose(project, "config", env=REQUIRED_ENV)
        assert result.returncode == 0, result.stderr
        return yaml.safe_load(result.stdout)
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _condition(service: dict, dependency: str) -> str:
    return service["depends_on"][dependency]["condition"]


def test_app_processes_share_one_image_and_wait_for_migrations(rendered: dict) -> None:
    services = rendered["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert _condition(services["migrate"], "db") == "service_healthy"
    for name in ("web", "worker", "scheduler"):
        assert _condition(services[name], "migrate") == "service_completed_successfully", name
        assert _condition(services[name], "db") == "service_healthy", name
        assert _condition(services[name], "redis") == "service_healthy", name


def test_scaling(rendered: dict) -> None:
    services = rendered["services"]
    assert services["scheduler"]["deploy"]["replicas"] == 1  # two would enqueue every job twice
    assert int(services["web"]["deploy"]["replicas"]) >= 2
    assert int(services["worker"]["deploy"]["replicas"]) >= 2
    assert services["web"]["command"][:3] == ["serve", "--host", "0.0.0.0"]
    assert services["worker"]["command"] == ["worker"]
    assert services["scheduler"]["command"] == ["scheduler"]
    # Replicas cannot publish one host port: only nginx faces the outside.
    published = sorted(name for name, service in services.items() if service.get("ports"))
    assert published == ["nginx"]


def test_every_app_process_gets_the_shared_settings(rendered: dict) -> None:
    # The values below exist only once Compose has interpolated .env into the file.
    require_tool("docker-compose", "apt-get install docker-compose")
    for name in APP_SERVICES:
        env = rendered["services"][name]["environment"]
        assert env["TRAFFICDASH_DATABASE_URL"].startswith("postgresql+psycopg://trafficdash:"), name
        assert env["TRAFFICDASH_DATABASE_URL"].endswith("@db:5432/trafficdash"), name
        assert env["TRAFFICDASH_REDIS_URL"] == "redis://redis:6379/0", name
        assert env["TRAFFICDASH_SECRET_KEY"] and env["TRAFFICDASH_PUBLIC_URL"], name


def test_postgres_and_redis_persist_and_report_health(rendered: dict) -> None:
    db, redis = rendered["services"]["db"], rendered["services"]["redis"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(
        str(v).endswith("/var/lib/postgresql/data") or ":/var/lib/postgresql/data" in str(v)
        for v in _volume_targets(db)
    )
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert "/data" in _volume_targets(redis)
    assert "redis-cli" in " ".join(redis["healthcheck"]["test"])


def _volume_targets(service: dict) -> list[str]:
    targets = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            targets.append(volume["target"])
        else:
            parts = str(volume).split(":")
            targets.append(parts[1] if len(parts) > 1 else parts[0])
    return targets


def test_monitoring_and_proxy(rendered: dict) -> None:
    services = rendered["services"]
    dashboard, nginx = services["rq-dashboard"], services["nginx"]
    assert dashboard["environment"]["RQ_DASHBOARD_URL_PREFIX"] == "/rq"
    assert not dashboard.get("ports")
    assert "/etc/nginx/nginx.conf" in _volume_targets(nginx)
    assert "/etc/nginx/htpasswd" in _volume_targets(nginx)
    assert _condition(nginx, "web") == "service_healthy"
