"""The models and the migrations agree, on the session's database and on a fresh SQLite file."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import trafficdash.models  # noqa: F401
from trafficdash import db, migrations
from trafficdash.db import Base


def _diff(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_no_drift_between_models_and_migrations_on_session_database(services) -> None:
    engine = db.get_engine()
    assert _diff(engine) == []
    assert migrations.pending_revisions(engine) == []
    if services.postgres:
        assert engine.dialect.name == "postgresql"


def test_migrations_upgrade_an_empty_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    migrations.upgrade(url)
    engine = db.make_engine(url)
    try:
        assert set(sa.inspect(engine).get_table_names()) >= set(Base.metadata.tables)
        assert _diff(engine) == []
        assert migrations.pending_revisions(engine) == []
    finally:
        engine.dispose()


def test_natural_keys_are_unique_constraints() -> None:
    tables = Base.metadata.tables
    assert [c.name for c in tables["insights_daily"].primary_key] == ["ad_id", "date"]
    assert [c.name for c in tables["insights_breakdown"].primary_key] == [
        "ad_id",
        "date",
        "breakdown",
        "value_1",
        "value_2",
    ]
    assert [c.name for c in tables["campaigns"].primary_key] == ["id"]
