"""Alert tests: one sandbox account synced over real HTTP once per session (today pinned), its rows
snapshotted and restored before each test that asks for them (tables are emptied between tests).

On PostgreSQL the snapshot is a copy of the tables in a schema of the test database, restored with
``INSERT ... SELECT`` inside the server (~25k rows in milliseconds, where sending them from Python
took ~3 s per test); elsewhere the rows are kept in memory and inserted back."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from tests.sandbox.conftest import PINNED_TODAY, SandboxServer, sandbox_server  # noqa: F401
from trafficdash import db
from trafficdash.auth.crypto import encrypt_token
from trafficdash.models import AdAccount, AdAccountAccess, ConnectionStatus, User
from trafficdash.settings import reset_settings_cache
from trafficdash.sync import clock
from trafficdash.sync.service import sync_account

# 15:00 UTC on the sandbox's pinned day: what "now" is for every evaluation in these tests.
NOW = datetime(PINNED_TODAY.year, PINNED_TODAY.month, PINNED_TODAY.day, 15, 0, tzinfo=UTC)
HISTORY_DAYS = 50
SKIP_TABLES = {"alert_rules", "alerts", "alert_deliveries", "sync_runs"}
SNAPSHOT_SCHEMA = "alerts_snapshot"


@dataclass
class Synced:
    server: SandboxServer
    account_id: int
    user_id: int
    rows: dict[str, list[dict[str, Any]]]  # in memory (not PostgreSQL) or just the counts' tables
    in_snapshot_schema: bool = False

    def restore(self) -> None:
        with db.get_engine().begin() as conn:
            if self.in_snapshot_schema:  # a throwaway test database: no need to wait for the WAL flush
                conn.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
            for table in db.Base.metadata.sorted_tables:
                if not self.rows.get(table.name):
                    continue
                if self.in_snapshot_schema:
                    columns = ", ".join(f'"{c.name}"' for c in table.columns)
                    conn.execute(
                        sa.text(
                            f'INSERT INTO "{table.name}" ({columns}) '
                            f'SELECT {columns} FROM {SNAPSHOT_SCHEMA}."{table.name}"'
                        )
                    )
                else:
                    conn.execute(table.insert(), self.rows[table.name])
            if conn.dialect.name == "postgresql":  # surrogate ids continue after the restored rows
                for table in ("users", "ad_account_access"):
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                        )
                    )


@pytest.fixture(scope="session")
def synced(sandbox_server: SandboxServer) -> Iterator[Synced]:  # noqa: F811
    srv = sandbox_server
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRAFFICDASH_META_GRAPH_URL", srv.url)
        mp.setenv("TRAFFICDASH_SANDBOX_SEED", str(srv.config.seed))
        mp.setenv("TRAFFICDASH_SYNC_HISTORY_DAYS", str(HISTORY_DAYS))
        mp.setenv("TRAFFICDASH_SYNC_LOOKBACK_DAYS", "3")
        mp.setattr(clock, "now_utc", lambda: NOW)
        reset_settings_cache()
        sandbox_user = srv.users[0]
        account_id = int(sandbox_user["ad_account_ids"][0].removeprefix("act_"))
        with db.session_scope() as session:
            for table in reversed(db.Base.metadata.sorted_tables):
                session.execute(table.delete())
            user = User(
                email="owner@example.com",
                name=sandbox_user["name"],
                meta_user_id=sandbox_user["id"],
                meta_token_encrypted=encrypt_token(sandbox_user["access_token"]),
                connection_status=ConnectionStatus.CONNECTED.value,
            )
            session.add(user)
            session.flush()
            session.add(AdAccount(id=account_id, name="Sandbox account"))
            session.flush()
            session.add(AdAccountAccess(user_id=user.id, ad_account_id=account_id, tasks=["ANALYZE"]))
            user_id = user.id
        sync_account(account_id)
        rows: dict[str, list[dict[str, Any]]] = {}
        in_schema = db.get_engine().dialect.name == "postgresql"
        with db.get_engine().begin() as conn:
            if in_schema:  # the test database is dropped at the end, and the snapshot with it
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE"))
                conn.execute(sa.text(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}"))
            for table in db.Base.metadata.sorted_tables:
                if table.name in SKIP_TABLES:
                    continue
                if in_schema:
                    conn.execute(
                        sa.text(
                            f'CREATE TABLE {SNAPSHOT_SCHEMA}."{table.name}" AS SELECT * FROM "{table.name}"'
                        )
                    )
                    count = conn.execute(sa.text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()
                    rows[table.name] = [{}] * count  # only "has rows" is read from it
                else:
                    rows[table.name] = [dict(r._mapping) for r in conn.execute(table.select())]
    reset_settings_cache()
    yield Synced(srv, account_id, user_id, rows, in_snapshot_schema=in_schema)


@pytest.fixture
def data(synced: Synced) -> Synced:
    """The synced account's rows, restored into the emptied tables."""
    synced.restore()
    return synced


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host names the test answers for (name -> addresses); every lookup of them is counted under
    ``"calls"``; any other name goes to the real resolver."""
    answers: dict[str, list[str]] = {"calls": []}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            answers["calls"].append(host)
            family = {4: socket.AF_INET, 6: socket.AF_INET6}
            return [
                (family[6 if ":" in a else 4], socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers
