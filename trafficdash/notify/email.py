"""The one SMTP sender of the app (settings ``smtp_*``): reports, alerts and token reminders use it."""

from __future__ import annotations

import mimetypes
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from trafficdash.settings import Settings, get_settings

SMTP_TIMEOUT_SECONDS = 30


class EmailNotConfigured(RuntimeError):
    """No SMTP server is configured (TRAFFICDASH_SMTP_HOST)."""


class EmailDeliveryError(RuntimeError):
    """The SMTP server could not be reached or refused the message (the text says why)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str | None = None  # guessed from the file name when None

    @classmethod
    def from_path(cls, path: Path, filename: str | None = None) -> Attachment:
        return cls(filename or path.name, path.read_bytes())


def email_configured(settings: Settings | None = None) -> bool:
    return bool((settings or get_settings()).smtp_host)


def build_message(
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment | Path] | None = None,
    settings: Settings | None = None,
) -> EmailMessage:
    settings = settings or get_settings()
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients or not all(r.strip() for r in recipients):
        raise ValueError("an e-mail needs at least one recipient")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(r.strip() for r in recipients)
    message["Subject"] = subject
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for item in attachments or ():
        attachment = Attachment.from_path(item) if isinstance(item, Path) else item
        mime = attachment.mime_type or mimetypes.guess_type(attachment.filename)[0]
        maintype, subtype = (mime or "application/octet-stream").split("/", 1)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def send_email(
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment | Path] | None = None,
) -> None:
    """Send one message (plain text, optional HTML alternative and attachments) over SMTP.

    Raises EmailNotConfigured without an SMTP host, EmailDeliveryError when sending fails.
    """
    settings = get_settings()
    if not settings.smtp_host:
        raise EmailNotConfigured("e-mail is not configured (set TRAFFICDASH_SMTP_HOST)")
    message = build_message(to, subject, text, html, attachments, settings)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user and settings.smtp_password is not None:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # SMTP errors never carry secrets (the password is not echoed); keep the server's reason.
        raise EmailDeliveryError(f"{type(exc).__name__}: {exc}") from exc
