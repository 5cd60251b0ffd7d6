"""E-mail delivery of report files over SMTP (settings ``smtp_*``), with the file attached."""

from __future__ import annotations

import mimetypes
import smtplib
from email.message import EmailMessage
from pathlib import Path

from trafficdash.settings import get_settings


class DeliveryNotConfigured(RuntimeError):
    """No SMTP server is configured (TRAFFICDASH_SMTP_HOST)."""


def send_report_email(to: list[str], subject: str, body: str, attachment: Path, file_name: str) -> None:
    settings = get_settings()
    if not settings.smtp_host:
        raise DeliveryNotConfigured("Set TRAFFICDASH_SMTP_HOST to deliver reports by e-mail.")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    mime, _ = mimetypes.guess_type(file_name)
    maintype, subtype = (mime or "application/octet-stream").split("/", 1)
    message.add_attachment(attachment.read_bytes(), maintype=maintype, subtype=subtype, filename=file_name)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password is not None:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
