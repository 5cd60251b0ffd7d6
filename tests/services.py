"""Finds the PostgreSQL and Redis servers for the test session, or falls back to embedded ones.

Outside CI a missing server means SQLite and the in-process Redis stand-in. In CI
(``CI=true``) a missing server stops the run with an error: CI must test what users run.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
REDIS_DB_CHOICES = range(1, 16)
REDIS_CLAIM_SECONDS = 3 * 3600


@dataclass
class TestServices:
    database_url: str | None = None
    admin_url: str | None = None
    redis_url: str | None = None
    redis_db: int | None = None
    _redis_claim_key: str | None = field(default=None, repr=False)

    @property
    def postgres(self) -> bool:
        return self.database_url is not None

    @property
    def real_redis(self) -> bool:
        return self.redis_url is not None

    def env(self) -> dict[str, str]:
        env: dict[str, str] = {}
        if self.database_url:
            env["TRAFFICDASH_DATABASE_URL"] = self.database_url
        else:
            os.environ.pop("TRAFFICDASH_DATABASE_URL", None)
        if self.redis_url:
            env["TRAFFICDASH_REDIS_URL"] = self.redis_url
        else:
            os.environ.pop("TRAFFICDASH_REDIS_URL", None)
        return env

    def describe(self) -> str:
        db = f"PostgreSQL ({make_url(self.database_url).database})" if self.database_url else "SQLite"
        rd = f"Redis db {self.redis_db}" if self.redis_url else "in-process Redis stand-in"
        return f"{db}, {rd}"

    def empty_dirty_tables(self, engine: sa.Engine) -> None:
        """Empty every table a test left rows in and restart the id sequences it used.

        One query finds what is dirty (a test that touched no table, like a pure arithmetic
        test, pays only that round trip); the dirty tables are emptied with ``DELETE`` in
        foreign-key order, ~10x cheaper than ``TRUNCATE`` on tables this small (which makes a
        new file per table and index, and whose exclusive locks deadlocked with a page of the
        previous test still reading in a worker thread)."""
        from trafficdash.db import Base

        tables = [t.name for t in Base.metadata.sorted_tables]
        postgres = engine.dialect.name == "postgresql"
        query = _dirty_sql(tables, with_sequences=postgres)
        for attempt in range(5):
            try:
                with engine.begin() as conn:
                    dirty = conn.execute(sa.text(query)).all()
                    if not dirty:
                        return
                    names = {name for kind, name in dirty if kind == "table"}
                    for name in reversed(tables):
                        if name in names:
                            conn.execute(sa.text(f'DELETE FROM "{name}"'))
                    for kind, name in dirty:
                        if kind == "sequence":
                            conn.execute(sa.text(f'ALTER SEQUENCE "{name}" RESTART'))
                return
            except sa.exc.OperationalError as exc:  # a lingering writer of the previous test
                if "deadlock detected" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def release(self) -> None:
        if self.admin_url and self.database_url:
            drop_database(self.admin_url, make_url(self.database_url).database or "")
        if self.redis_url and self._redis_claim_key:
            client = redis.Redis.from_url(self.redis_url)
            client.flushdb()
            redis.Redis.from_url(_redis_base(self.redis_url), db=0).delete(self._redis_claim_key)


def _dirty_sql(tables: list[str], with_sequences: bool) -> str:
    """One query: ("table", name) for each table holding rows, ("sequence", name) for each id
    sequence called since its last restart (only those have a ``last_value``)."""
    parts = [f"SELECT 'table', '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in tables]
    if with_sequences:
        parts.append(
            "SELECT 'sequence', sequencename FROM pg_sequences"
            " WHERE schemaname = 'public' AND last_value IS NOT NULL"
        )
    return " UNION ALL ".join(parts)


def _redis_base(url: str) -> str:
    return url.rsplit("/", 1)[0] if url.count("/") > 2 else url


def create_database(admin_url: str) -> str:
    name = f"trafficdash_test_{os.getpid()}_{secrets.token_hex(3)}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        # A throwaway database: its commits need not wait for the WAL flush (every process of
        # the session, workers and servers included, connects with this default).
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit TO OFF'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _claim_redis_db(base_url: str) -> tuple[int, str]:
    """Each test session takes a free Redis database number, so parallel runs never collide."""
    control = redis.Redis.from_url(base_url, db=0)
    for number in REDIS_DB_CHOICES:
        key = f"trafficdash:test-claim:{number}"
        if control.set(key, os.getpid(), nx=True, ex=REDIS_CLAIM_SECONDS):
            return number, key
    raise RuntimeError("no free Redis database for the test session (all 15 claimed)")


def acquire_services(require: bool) -> TestServices:
    admin_url = os.environ.get("TRAFFICDASH_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)
    redis_url = os.environ.get("TRAFFICDASH_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    services = TestServices()
    problems: list[str] = []
    try:
        services.database_url = create_database(admin_url)
        services.admin_url = admin_url
    except Exception as exc:  # driver errors vary; any means "not reachable"
        problems.append(
            f"PostgreSQL at {make_url(admin_url).render_as_string()}: {exc.__class__.__name__}: {exc}"
        )
    try:
        base = _redis_base(redis_url)
        number, key = _claim_redis_db(base)
        services.redis_url = f"{base}/{number}"
        services.redis_db = number
        services._redis_claim_key = key
    except Exception as exc:
        problems.append(f"Redis at {redis_url}: {exc.__class__.__name__}: {exc}")
    if problems and require:
        services.release()
        pytest.exit(
            "CI needs the real servers, which are unreachable:\n  " + "\n  ".join(problems), returncode=3
        )
    return services
