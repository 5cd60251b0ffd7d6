"""Delivery against a local SMTP server (aiosmtpd) and local webhook receivers, one of which fails
twice and then recovers; every attempt is recorded. The receivers listen on loopback, which the
outbound-URL policy refuses unless the host is named a development host (``dev_receivers``); the
refusals themselves are tested here too, with and without that setting."""

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


SECRET_BODY = b"redis_version:7.2.4 internal details the user must never see"


class Receiver:
    """A webhook receiver on a free loopback port that answers 503 to its first ``fail_first`` posts,
    or always ``answer`` (status, headers) when given."""

    def __init__(self, fail_first: int = 0, answer: tuple[int, dict[str, str]] | None = None) -> None:
        self.bodies: list[dict] = []
        self.hosts: list[str] = []
        self.fail_first = fail_first
        self.calls = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls += 1
                receiver.hosts.append(self.headers["Host"])
                if answer is not None:
                    self.send_response(answer[0])
                    for name, value in answer[1].items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(SECRET_BODY)))
                    self.end_headers()
                    self.wfile.write(SECRET_BODY)
                    return
                if receiver.calls <= receiver.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write(SECRET_BODY)
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


def allow_dev_hosts(monkeypatch: pytest.MonkeyPatch, *hosts: str) -> None:
    monkeypatch.setenv("TRAFFICDASH_WEBHOOK_DEV_HOSTS", json.dumps(list(hosts)))
    reset_settings_cache()


@pytest.fixture
def dev_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test receivers' host (loopback) named a development host: http and loopback allowed."""
    allow_dev_hosts(monkeypatch, "127.0.0.1")


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(channels, "sleep", waits.append)
    return waits


def _deliveries() -> list[tuple[str, int, str, int | None]]:
    with db.session_scope() as session:
        rows = session.scalars(sa.select(AlertDelivery).order_by(AlertDelivery.id))
        return [(d.channel, d.attempt, d.status, d.status_code) for d in rows]


def _errors() -> list[str | None]:
    with db.session_scope() as session:
        return list(session.scalars(sa.select(AlertDelivery.error).order_by(AlertDelivery.id)))


def test_email_webhook_and_slack(data, smtp, no_sleep, dev_receivers):
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
    assert "Subject: [trafficdash] ROAS below 1: Loja Brasil" in text and "ROAS is 0.68x" in text
    (body,) = hook.bodies
    assert body["event"] == "alert.fired" and body["alert"]["id"] == alert_id
    assert body["alert"]["values"]["value"] == "0.6819" and body["account"]["id"] == data.account_id
    (message,) = slack.bodies
    assert (
        message["text"].startswith("ROAS below 1: Loja Brasil") and message["blocks"][0]["type"] == "section"
    )


def test_a_receiver_that_fails_then_recovers(data, no_sleep, dev_receivers):
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
    # The status is kept, never what the receiver said.
    assert _errors() == ["HTTP 503", "HTTP 503", None]


def test_a_receiver_down_longer_is_retried_later_then_given_up(data, no_sleep, dev_receivers):
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


def test_a_redirect_is_not_followed_and_no_body_is_kept(data, no_sleep, dev_receivers):
    inside = Receiver()
    hook = Receiver(answer=(302, {"Location": inside.url}))
    try:
        rule_id = rule_from(data, "roas_below_1", channels=["webhook"], webhook_url=hook.url)
        evaluate(rule_id)
    finally:
        hook.close()
        inside.close()
    assert hook.calls == 3 and inside.calls == 0
    assert _deliveries() == [("webhook", n, "failed", 302) for n in (1, 2, 3)]
    assert set(_errors()) == {"HTTP 302 (redirects are not followed)"}


def test_a_rule_saved_earlier_is_refused_at_delivery(data, no_sleep, monkeypatch, caplog):
    """Saved while its host was a development host (or before the policy existed): the delivery
    checks again, connects to nothing, and gives up at once with a fixed reason."""
    hook = Receiver()
    try:
        allow_dev_hosts(monkeypatch, "127.0.0.1")
        rule_id = rule_from(
            data,
            "roas_below_1",
            channels=["webhook", "slack"],
            webhook_url=hook.url,
            slack_webhook_url=hook.url.replace("http://", "https://"),
        )
        allow_dev_hosts(monkeypatch)
        with caplog.at_level("WARNING", logger="trafficdash.alerts.channels"):
            evaluate(rule_id)
    finally:
        hook.close()
    assert hook.calls == 0
    assert _deliveries() == [("webhook", 1, "gave_up", None), ("slack", 1, "gave_up", None)]
    assert _errors() == [
        "refused: only https:// URLs are accepted (plain http is for named development hosts)",
        "refused: the host resolves to a loopback address",
    ]
    assert "given up: refused: the host resolves to a loopback address" in caplog.text


@pytest.mark.parametrize(
    ("inside", "reason"),
    [
        (["127.0.0.1"], "loopback"),
        (["10.0.0.7"], "private"),
        (["169.254.169.254"], "link-local"),
        (["::1"], "loopback"),
        (["fd12:3456::1"], "private"),
        (["::ffff:192.168.0.1"], "private"),
        (["93.184.216.34", "172.16.5.4"], "private"),  # one inside address is enough
    ],
)
def test_a_host_that_now_resolves_inside_is_refused_at_delivery(data, no_sleep, resolver, inside, reason):
    resolver["hooks.partner.example"] = ["93.184.216.34"]  # public when the rule is saved
    rule_id = rule_from(
        data, "roas_below_1", channels=["webhook"], webhook_url="https://hooks.partner.example/x"
    )
    resolver["hooks.partner.example"] = inside
    evaluate(rule_id)
    assert _deliveries() == [("webhook", 1, "gave_up", None)]
    assert _errors() == [f"refused: the host resolves to a {reason} address"]


def test_the_connection_goes_to_the_vetted_address_under_the_original_name(
    data, no_sleep, resolver, monkeypatch
):
    """The name is resolved by the policy once at save and once at the attempt; the socket opens to
    that vetted address and the request still names the host (the system resolver does not know this
    name at all, so nothing else could have found it)."""
    hook = Receiver()
    port = hook.server.server_address[1]
    resolver["hooks.dev.example"] = ["127.0.0.1"]
    try:
        allow_dev_hosts(monkeypatch, "hooks.dev.example")
        rule_id = rule_from(
            data, "roas_below_1", channels=["webhook"], webhook_url=f"http://hooks.dev.example:{port}/hook"
        )
        evaluate(rule_id)
    finally:
        hook.close()
    assert _deliveries() == [("webhook", 1, "sent", 200)]
    assert hook.hosts == [f"hooks.dev.example:{port}"] and resolver["calls"] == ["hooks.dev.example"] * 2
