"""Structured logs: JSON in production, request ids on every line, and no token ever printed."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from trafficdash.logging_setup import (
    REQUEST_ID_HEADER,
    RequestIdMiddleware,
    configure_logging,
    request_id_var,
    wants_json,
)
from trafficdash.settings import Settings

TOKEN = "EAAGm0PX4ZCpsBAKZCdZAbc1234567890abcdef"


def _settings(**values) -> Settings:
    values.setdefault("database_url", None)  # the test session points the env at PostgreSQL
    return Settings(_env_file=None, **values)


def test_json_in_production_plain_in_embedded() -> None:
    assert wants_json(_settings(database_url="postgresql+psycopg://u@db/trafficdash"))
    assert wants_json(_settings(log_json=True))
    assert not wants_json(_settings())


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, Settings]]:
    stream = io.StringIO()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    settings = _settings(log_json=True, log_level="INFO")
    handler = configure_logging(settings, stream=stream)
    yield stream, settings
    root.removeHandler(handler)
    root.handlers[:], _ = before[0], root.setLevel(before[1])


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_json_lines_carry_request_id_and_never_a_token(captured) -> None:
    stream, _ = captured
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("httpx").info(
            'HTTP Request: GET %s "HTTP/1.1 200 OK"', f"https://g/me?access_token={TOKEN}"
        )
        try:
            raise ValueError(f"bad token {TOKEN}")
        except ValueError:
            logging.getLogger("trafficdash.sync").exception("sync failed", extra={"account_id": "act_1"})
    finally:
        request_id_var.reset(token)
    logging.getLogger("trafficdash").warning("outside a request")
    first, second, third = _lines(stream)
    assert first["request_id"] == "req-42" and first["logger"] == "httpx" and first["level"] == "INFO"
    assert "access_token=***" in first["message"]
    assert second["account_id"] == "act_1" and "ValueError" in second["exc_info"]
    assert third["request_id"] == "-"
    assert TOKEN not in stream.getvalue()


def test_plain_lines_in_embedded_mode() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    handler = configure_logging(_settings(log_level="INFO"), stream=stream)
    try:
        logging.getLogger("trafficdash").info("Bearer %s", TOKEN)
    finally:
        root.removeHandler(handler)
        root.handlers[:] = before[0]
        root.setLevel(before[1])
    line = stream.getvalue().strip()
    assert line.endswith("trafficdash [-] Bearer ***") and not line.startswith("{")


def _echo_app() -> FastAPI:
    app = FastAPI()

    @app.get("/whoami")
    def whoami() -> dict:
        logging.getLogger("trafficdash.test").info("inside the request")
        return {"request_id": request_id_var.get()}

    app.add_middleware(RequestIdMiddleware, log_requests=True)
    return app


def test_middleware_accepts_echoes_and_logs_the_proxy_id(captured) -> None:
    stream, _ = captured
    response = TestClient(_echo_app()).get(
        f"/whoami?access_token={TOKEN}", headers={REQUEST_ID_HEADER: "abc-123"}
    )
    assert response.headers[REQUEST_ID_HEADER] == "abc-123"
    assert response.json() == {"request_id": "abc-123"}
    inside, access = [line for line in _lines(stream) if line["logger"].startswith("trafficdash")]
    assert inside["request_id"] == access["request_id"] == "abc-123"
    assert access["logger"] == "trafficdash.access" and access["message"] == "GET /whoami 200"
    assert access["duration_ms"] >= 0
    assert TOKEN not in stream.getvalue()


@pytest.mark.parametrize("incoming", [None, "", "x" * 200, "evil\nforged line", "a b"])
def test_middleware_generates_an_id_when_none_or_unsafe(incoming) -> None:
    headers = {} if incoming is None else {REQUEST_ID_HEADER: incoming}
    response = TestClient(_echo_app()).get("/whoami", headers=headers)
    generated = response.headers[REQUEST_ID_HEADER]
    assert len(generated) == 32 and generated != incoming
    assert response.json() == {"request_id": generated}


def test_the_app_echoes_request_ids(user) -> None:
    from nicegui import app

    response = TestClient(app).get("/api/health", headers={REQUEST_ID_HEADER: "from-nginx-1"})
    assert response.headers[REQUEST_ID_HEADER] == "from-nginx-1"
