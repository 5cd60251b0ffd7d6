"""Sessions and the pool: read scopes run without transactions; the pool pings only connections
that sat idle, and replaces one the server dropped meanwhile."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support import make_user
from trafficdash import db


@pytest.fixture
def pg_engine(services) -> sa.Engine:
    if not services.database_url:
        pytest.skip("needs PostgreSQL (a dropped server connection)")
    engine = db.make_engine(services.database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.text("SELECT pg_backend_pid()")))


def count_pings(monkeypatch: pytest.MonkeyPatch, engine: sa.Engine) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def counting(dbapi_conn):
        pings.append(1)
        return real(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counting)
    return pings


def test_a_connection_used_moments_ago_is_not_pinged(pg_engine, monkeypatch) -> None:
    pings = count_pings(monkeypatch, pg_engine)
    first = backend_pid(pg_engine)
    assert backend_pid(pg_engine) == first  # the same pooled connection, handed out again
    assert pings == []


def test_an_idle_connection_is_pinged_and_replaced_when_the_server_dropped_it(pg_engine, monkeypatch) -> None:
    pings = count_pings(monkeypatch, pg_engine)
    first = backend_pid(pg_engine)
    with db.get_engine().connect() as admin:
        assert admin.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if it had sat idle
    # No error reaches the caller: the dead connection is swapped for a new one at checkout.
    second = backend_pid(pg_engine)
    assert second != first
    assert pings == [1]


def test_a_live_idle_connection_is_kept(pg_engine, monkeypatch) -> None:
    pings = count_pings(monkeypatch, pg_engine)
    first = backend_pid(pg_engine)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert backend_pid(pg_engine) == first
    assert pings == [1]


def rename(scope, user_id: int, name: str) -> None:
    with pytest.raises(RuntimeError), scope() as session:
        session.execute(
            sa.text("UPDATE users SET name = :name WHERE id = :id"), {"name": name, "id": user_id}
        )
        raise RuntimeError("the request fails after its write")


def test_a_read_scope_statement_stands_alone_where_a_unit_of_work_rolls_back() -> None:
    with db.session_scope() as session:
        user_id = make_user(session).id
    rename(db.session_scope, user_id, "rolled back")
    rename(db.read_scope, user_id, "kept")
    with db.read_scope() as session:
        assert session.scalar(sa.text("SELECT name FROM users WHERE id = :id"), {"id": user_id}) == "kept"
