"""Test infrastructure: real PostgreSQL and Redis when reachable (and always in CI), else
SQLite plus the in-process Redis stand-in. Every session gets a freshly created database
(dropped at the end) and its own Redis database number; every test starts from empty tables.

Under pytest-xdist each worker is such a session; the controller only hands out tests.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import TestServices, acquire_services

ROOT = Path(__file__).resolve().parent.parent


def _xdist_controller(config: pytest.Config) -> bool:
    """The process that distributes tests to xdist workers and runs none itself."""
    return (
        not hasattr(config, "workerinput")
        and config.getoption("dist", "no") != "no"
        and bool(config.getoption("tx", None))
        and not config.getoption("collectonly")
    )


def pytest_configure(config: pytest.Config) -> None:
    if _xdist_controller(config):
        return
    # Settings are read from the environment, so it is set before any app module loads.
    data_dir = Path(tempfile.mkdtemp(prefix="trafficdash-test-"))
    services = acquire_services(require=os.environ.get("CI", "").lower() in ("1", "true", "yes"))
    config._trafficdash_services = services  # type: ignore[attr-defined]
    os.environ.update(
        {
            "TRAFFICDASH_DATA_DIR": str(data_dir),
            "TRAFFICDASH_SECRET_KEY": "test-secret-" + secrets.token_hex(8),
            "TRAFFICDASH_LOG_LEVEL": "WARNING",
            # In-process test clients cannot share NiceGUI's async Redis sessions (one loop per request).
            "TRAFFICDASH_SESSION_STORE": "local",
        }
    )
    for key, value in services.env().items():
        os.environ[key] = value
    for key in ("TRAFFICDASH_META_APP_ID", "TRAFFICDASH_META_GRAPH_URL"):
        os.environ.pop(key, None)


def pytest_unconfigure(config: pytest.Config) -> None:
    services: TestServices | None = getattr(config, "_trafficdash_services", None)
    if services is not None:
        from trafficdash import db

        db.dispose()
        services.release()


def pytest_report_header(config: pytest.Config) -> str:
    services: TestServices | None = getattr(config, "_trafficdash_services", None)
    if services is None:
        return "trafficdash services: one database and Redis number per xdist worker"
    return f"trafficdash services: {services.describe()}"


@pytest.hookimpl(optionalhook=True)  # an xdist hook: `-p no:xdist` still works
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from tests.xdist_scheduling import GroupedLoadScheduling

    return GroupedLoadScheduling(config, log)


@pytest.fixture(scope="session")
def services(pytestconfig: pytest.Config) -> TestServices:
    return pytestconfig._trafficdash_services  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def connected_services() -> None:
    """Analytics and alerts hear of finished syncs, as every process's composition root wires them."""
    from trafficdash.composition import connect_services

    connect_services()


@pytest.fixture(scope="session", autouse=True)
def migrated_database(services: TestServices) -> Iterator[None]:
    from trafficdash import db, migrations
    from trafficdash.settings import get_settings, reset_settings_cache

    reset_settings_cache()
    settings = get_settings()
    migrations.upgrade(settings.resolved_database_url)
    db.configure(settings)
    yield
    db.dispose()


@pytest.fixture(autouse=True)
def clean_state(services: TestServices) -> Iterator[None]:
    """Empty tables and Redis before each test, so tests never see each other's rows (only
    the tables the previous tests wrote to are emptied: a test that uses neither pays one query)."""
    from trafficdash import db, redis_conn
    from trafficdash.settings import reset_settings_cache

    reset_settings_cache()
    services.empty_dirty_tables(db.get_engine())
    redis_conn.reset()
    redis_conn.get_redis().flushdb()
    yield


@pytest.fixture
def session():
    from trafficdash import db

    with db.session_scope() as s:
        yield s
