"""E-mail delivery of report files, with the file attached, through the app's one SMTP sender."""

from __future__ import annotations

from pathlib import Path

from trafficdash.notify.email import Attachment, send_email


def send_report_email(to: list[str], subject: str, body: str, attachment: Path, file_name: str) -> None:
    send_email(to, subject, body, attachments=[Attachment.from_path(attachment, file_name)])
