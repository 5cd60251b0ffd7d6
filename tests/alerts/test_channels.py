"""Delivery against a local SMTP server (aiosmtpd) and local webhook receivers, one of which fails
twice and then recovers; every attempt is recorded."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.alerts.helpers import evaluate, rule_from
from trafficdash import db
from trafficdash.alerts import channels
from trafficdash.models import AlertDelivery
from trafficdash.settings import reset_settings_cache


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A webhook receiver on a free loopback port that answers 503 to its first ``fail_first`` posts."""

    def __init__(self, fail_first: int = 0) -> None:
        self.bodies: list[dict] = []
        self.fail_first = fail_first
        self.calls = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls += 1
                if receiver.calls <= receiver.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write(b"busy")
                    return
                receiver.bodies.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", _free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setenv("TRAFFICDASH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRAFFICDASH_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("TRAFFICDASH_SMTP_FROM", "alerts@trafficdash.test")
    reset_settings_cache()
    yield inbox
    controller.stop()
    reset_settings_cache()


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(channels, "sleep", waits.append)
    return waits


def _deliveries() -> list[tuple[str, int, str, int | None]]:
    with db.session_scope() as session:
        rows = session.scalars(sa.select(AlertDelivery).order_by(AlertDelivery.id))
        return [(d.channel, d.attempt, d.status, d.status_code) for d in rows]


def test_email_webhook_and_slack(data, smtp, no_sleep):
    hook, slack = Receiver(), Receiver()
    try:
        rule_id = rule_from(
            data,
            "roas_below_1",
            channels=["in_app", "email", "webhook", "slack"],
            email_to="media@example.com",
            webhook_url=hook.url,
            slack_webhook_url=slack.url,
        )
        (alert_id,) = evaluate(rule_id).fired
    finally:
        hook.close()
        slack.close()
    assert _deliveries() == [
        ("in_app", 1, "sent", None),
        ("email", 1, "sent", None),
        ("webhook", 1, "sent", 200),
        ("slack", 1, "sent", 200),
    ]
    (mail,) = smtp.messages
    assert mail.rcpt_tos == ["media@example.com"] and mail.mail_from == "alerts@trafficdash.test"
    text = mail.content.decode()
    assert "Subject: [trafficdash] ROAS below 1: Loja Brasil" in text and "ROAS is 0.65x" in text
    (body,) = hook.bodies
    assert body["event"] == "alert.fired" and body["alert"]["id"] == alert_id
    assert body["alert"]["values"]["value"] == "0.6488" and body["account"]["id"] == data.account_id
    (message,) = slack.bodies
    assert (
        message["text"].startswith("ROAS below 1: Loja Brasil") and message["blocks"][0]["type"] == "section"
    )


def test_a_receiver_that_fails_then_recovers(data, no_sleep):
    hook = Receiver(fail_first=2)
    try:
        rule_id = rule_from(data, "roas_below_1", channels=["webhook"], webhook_url=hook.url)
        evaluate(rule_id)
    finally:
        hook.close()
    assert _deliveries() == [
        ("webhook", 1, "failed", 503),
        ("webhook", 2, "failed", 503),
        ("webhook", 3, "sent", 200),
    ]
    assert len(hook.bodies) == 1 and no_sleep == [0.2, 0.5]


def test_a_receiver_down_longer_is_retried_later_then_given_up(data, no_sleep):
    from tests.alerts.conftest import NOW

    hook = Receiver(fail_first=4)
    try:
        rule_id = rule_from(data, "roas_below_1", channels=["webhook"], webhook_url=hook.url)
        evaluate(rule_id)
        assert [d[2] for d in _deliveries()] == ["failed"] * 3
        with db.session_scope() as session:
            assert channels.retry_due(session, NOW) == 0  # not due yet
            assert channels.retry_due(session, NOW + channels.LATER_BACKOFF[0]) == 1
        assert _deliveries()[-2:] == [("webhook", 4, "failed", 503), ("webhook", 5, "sent", 200)]
    finally:
        hook.close()
    # Nothing listens any more: the attempts run out and the delivery is given up.
    with db.session_scope() as session:
        last = session.scalars(sa.select(AlertDelivery).order_by(AlertDelivery.id.desc())).first()
        last.status, last.next_attempt_at = "failed", NOW
        assert channels.retry_due(session, NOW) == 1
    assert _deliveries()[-1][2] == "gave_up"
