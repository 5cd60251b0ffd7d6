"""The one SMTP sender against a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from trafficdash.notify.email import (
    Attachment,
    EmailDeliveryError,
    EmailNotConfigured,
    send_email,
)
from trafficdash.settings import reset_settings_cache


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("TRAFFICDASH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRAFFICDASH_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("TRAFFICDASH_SMTP_FROM", "dash@example.com")
    reset_settings_cache()
    yield inbox
    controller.stop()
    reset_settings_cache()


def test_text_html_and_attachment_arrive(smtp_inbox: Inbox, tmp_path) -> None:
    report = tmp_path / "r.csv"
    report.write_text("a,b\n1,2\n")
    send_email(
        ["ana@example.com", "bia@example.com"],
        "Weekly",
        "plain body",
        html="<p>html body</p>",
        attachments=[report, Attachment("notes.txt", b"hello")],
    )
    [(rcpts, message)] = smtp_inbox.messages
    assert rcpts == ["ana@example.com", "bia@example.com"]
    assert message["From"] == "dash@example.com" and message["Subject"] == "Weekly"
    parts = {p.get_content_type(): p for p in message.walk() if not p.is_multipart() and not p.get_filename()}
    assert "plain body" in parts["text/plain"].get_payload(decode=True).decode()
    assert "html body" in parts["text/html"].get_payload(decode=True).decode()
    files = {p.get_filename(): p.get_payload(decode=True) for p in message.walk() if p.get_filename()}
    assert files == {"r.csv": b"a,b\n1,2\n", "notes.txt": b"hello"}


def test_unconfigured_and_unreachable_are_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAFFICDASH_SMTP_HOST", raising=False)
    reset_settings_cache()
    with pytest.raises(EmailNotConfigured):
        send_email("ana@example.com", "s", "t")
    monkeypatch.setenv("TRAFFICDASH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRAFFICDASH_SMTP_PORT", str(free_port()))  # nothing listens there
    reset_settings_cache()
    with pytest.raises(EmailDeliveryError, match="ConnectionRefused"):
        send_email("ana@example.com", "s", "t")
    with pytest.raises(ValueError):
        send_email([], "s", "t")
    reset_settings_cache()
