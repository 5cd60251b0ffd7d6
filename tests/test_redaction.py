"""The one redactor: every secret either of the two former redactors masked, and ordinary text kept."""

from __future__ import annotations

import logging

import pytest

from trafficdash.redaction import HTTP_LOGGERS, RedactingFilter, install_log_redaction, redact

TOKEN = "EAAGm0PX4ZCpsBAKZCdZAbc1234567890abcdef"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"GET https://graph.facebook.com/v24.0/me/adaccounts?access_token={TOKEN}&limit=25", TOKEN),
        (
            "GET /v24.0/act_1/insights?appsecret_proof=9f86d081884c7d659a2feaa0c55ad015&fields=spend",
            "9f86d0818",
        ),
        ("Authorization: Bearer tdp_abcdefghijklmnopqrstuvwxyz012345", "tdp_abcdefghij"),
        ("authorization: bearer some.opaque-token/value=", "some.opaque"),
        (f'{{"access_token": "{TOKEN}", "token_type": "bearer"}}', TOKEN),
        (f"token {TOKEN} expired", TOKEN),
        ("fb_exchange_token=EAAshort&client_secret=s3cr3t", "EAAshort"),
        ("fb_exchange_token=EAAshort&client_secret=s3cr3t", "s3cr3t"),
        ("access_token%3DEAAencoded123", "EAAencoded123"),
        ("GET /v24.0/debug_token?input_token=abc123secret&access_token=1|2", "abc123secret"),
        ("GET /auth/callback?code=AQDx9-secret_code&state=st4te-value HTTP/1.1", "AQDx9-secret_code"),
        ("GET /auth/callback?code=AQDx9-secret_code&state=st4te-value HTTP/1.1", "st4te-value"),
        ("redirect_uri=https%3A%2F%2Fapp%2Fcb&code=form-posted-code", "form-posted-code"),
        ("next=%2F%3Fcode%3Dencoded-code", "encoded-code"),
        ("client_secret: plain-secret", "plain-secret"),
    ],
)
def test_redact_masks_every_secret(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned and "***" in cleaned


def test_redact_keeps_ordinary_text() -> None:
    for text in (
        "synced 1,204 insight rows for act_123 in 3.2 s (campaign EAA promo)",
        'Meta error code: 190, error_subcode=463 {"code": 17}',
        "postal_code=12345 country_code=BR",
    ):
        assert redact(text) == text


def test_http_client_loggers_redact_wherever_they_are_handled(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    install_log_redaction()  # idempotent
    caplog.set_level(logging.INFO)
    for name in HTTP_LOGGERS:
        assert sum(isinstance(f, RedactingFilter) for f in logging.getLogger(name).filters) == 1
    logging.getLogger("httpx").info("GET %s", f"https://app/auth/callback?code=c0de-x&state=s7&t={TOKEN}")
    assert "c0de-x" not in caplog.text and "s7" not in caplog.text and TOKEN not in caplog.text
    assert "code=***" in caplog.text
