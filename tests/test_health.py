from fastapi.testclient import TestClient
from nicegui import app


def test_health_reports_database_and_redis(user) -> None:
    client = TestClient(app)
    body = client.get("/api/health").json()
    assert body == {"status": "ok", "version": body["version"], "database": "ok", "redis": "ok"}


def test_health_reports_an_unreachable_database(user, monkeypatch) -> None:
    from trafficdash import db

    # A real engine pointed at a closed port: the health check must report, not crash.
    monkeypatch.setattr(db, "_engine", db.make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    body = TestClient(app).get("/api/health").json()
    assert body["status"] == "degraded" and body["database"] == "unavailable"
