"""Engine, sessions and the declarative base shared by every model."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Engine, Integer, MetaData, Numeric, create_engine, event, exc
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

from trafficdash.settings import Settings, get_settings
from trafficdash.zones import as_utc as as_utc  # re-exported: where services read stored moments

# Stable constraint names so that Alembic migrations are the same on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")
# Money and fractional conversions: exact decimals, never floats.
Money = Numeric(20, 4)
# Meta ids are numeric strings that fit in 64 bits: stored as BIGINT and used as primary keys,
# so natural keys need no lookups during bulk upserts.
MetaId = BigInteger()
# Surrogate keys: BIGINT on PostgreSQL; SQLite only autoincrements an INTEGER primary key.
SurrogateId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {dict[str, Any]: JSONType, list[Any]: JSONType}


_engine: Engine | None = None
_session_factory: sessionmaker[Session] | None = None
_read_session_factory: sessionmaker[Session] | None = None


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": 30}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs.setdefault("poolclass", StaticPool)
        engine = create_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_idle_connections(engine)
    return engine


# A pooled connection unused for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 5.0
_CHECKED_IN_AT = "trafficdash_checked_in_at"


def _ping_idle_connections(engine: Engine) -> None:
    """Pre-ping, but only connections that sat idle in the pool.

    SQLAlchemy's ``pool_pre_ping`` costs a round trip on every checkout, a good share of a
    cached API answer. A connection returned moments ago is as alive as a ping would say; one
    that sat idle (a restarted or failed-over server, a proxy's idle timeout) is pinged, and a
    dead one is replaced before anyone uses it. A server that dies under load still costs the
    requests in flight, and SQLAlchemy then recycles the whole pool on the first disconnect.
    """

    @event.listens_for(engine.pool, "checkin")
    def _stamp(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        checked_in = record.info.get(_CHECKED_IN_AT)
        if checked_in is None or time.monotonic() - checked_in < PING_AFTER_IDLE_SECONDS:
            return  # a fresh connection, or one in use moments ago
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            alive = False
            if not engine.dialect.is_disconnect(error, dbapi_conn, None):
                raise
        if not alive:
            # The pool discards this connection and checks out (or opens) another one.
            raise exc.DisconnectionError("idle pooled connection is gone")


def configure(settings: Settings | None = None) -> Engine:
    """(Re)build the process-wide engine from settings."""
    global _engine, _session_factory, _read_session_factory
    settings = settings or get_settings()
    if settings.is_sqlite:
        settings.ensure_data_dir()
    if _engine is not None:
        _engine.dispose()
    _engine = make_engine(settings.resolved_database_url)
    _session_factory = sessionmaker(_engine, expire_on_commit=False)
    # The same pool, without transactions: see read_scope.
    _read_session_factory = sessionmaker(
        _engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
    )
    return _engine


def get_engine() -> Engine:
    if _engine is None:
        configure()
    assert _engine is not None
    return _engine


def dispose() -> None:
    global _engine, _session_factory, _read_session_factory
    if _engine is not None:
        _engine.dispose()
    _engine = None
    _session_factory = None
    _read_session_factory = None


def new_session() -> Session:
    if _session_factory is None:
        configure()
    assert _session_factory is not None
    return _session_factory()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commit on success, roll back on error."""
    session = new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_scope() -> Iterator[Session]:
    """A session for answering reads: every statement is its own transaction.

    A transaction costs two round trips of its own (BEGIN, COMMIT): a good share of an API answer
    served from the cache, which runs two small queries. What such a request writes (a token's
    last-used time) stands alone. Work whose statements must see one state of the data, or
    write together, uses session_scope.
    """
    if _read_session_factory is None:
        configure()
    assert _read_session_factory is not None
    with _read_session_factory() as session:
        yield session
