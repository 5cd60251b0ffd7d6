"""The outbound-URL policy of alert webhooks at save time: a rule whose webhook could reach inside (a
loopback, private, link-local... address, by literal or by a name resolving there, or plain http) is
refused with a 422 that says why, and nothing is stored; the addresses the policy refuses; https to
the vetted address under the URL's name. Delivery-time checks: test_channels.py."""

from __future__ import annotations

import ipaddress
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support import api_only_app, bearer_for, grant, make_user
from trafficdash import db
from trafficdash.models import AdAccount
from trafficdash.notify import webhooks
from trafficdash.notify.webhooks import refusal
from trafficdash.settings import reset_settings_cache

ACCOUNT_ID = 1234567


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return api_only_app()


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    """The owner of one ad account (no insights needed: nothing is evaluated here)."""
    with db.session_scope() as session:
        session.add(AdAccount(id=ACCOUNT_ID, name="Loja"))
        session.flush()
        owner = make_user(session)
        grant(session, owner, ACCOUNT_ID)
        owner_id = owner.id
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers.update(bearer_for(owner_id))
        yield client


def rule(**changes: object) -> dict:
    return {
        "name": "ROAS below 1",
        "ad_account_id": ACCOUNT_ID,
        "metric": "roas",
        "condition": "below",
        "threshold": "1",
        **changes,
    }


INSIDE_URLS = [
    ("http://127.0.0.1:6379/", "only https:// URLs are accepted"),  # the probe's open Redis port
    ("http://hooks.partner.example/x", "only https:// URLs are accepted"),  # public, but plain http
    ("https://127.0.0.1/hook", "loopback"),
    ("https://127.1.2.3:8443/", "loopback"),
    ("https://10.1.2.3/", "private"),
    ("https://172.16.0.1/", "private"),
    ("https://192.168.1.10/", "private"),
    ("https://100.64.0.1/", "private"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://0.0.0.0/", "unspecified"),
    ("https://[::1]/", "loopback"),
    ("https://[fd00::1]/", "private"),
    ("https://[fe80::1]/", "link-local"),
    ("https://[::ffff:127.0.0.1]/", "loopback"),
    ("https://[::ffff:10.0.0.1]/", "private"),
    ("https://localhost/", "loopback"),
    ("https://inside.partner.example/", "private"),  # resolves to 10.0.0.7 (the test's resolver)
    ("https://v6inside.partner.example/", "private"),  # resolves to fd12::1
    ("https://mixed.partner.example/", "private"),  # one public and one private address
    ("https://no-such-host.invalid/", "does not resolve"),
]


@pytest.mark.parametrize(("url", "reason"), INSIDE_URLS)
def test_an_inside_webhook_is_refused_at_save(
    api: TestClient,
    resolver: dict,
    url: str,
    reason: str,
) -> None:
    resolver["inside.partner.example"] = ["10.0.0.7"]
    resolver["v6inside.partner.example"] = ["fd12::1"]
    resolver["mixed.partner.example"] = ["93.184.216.34", "10.0.0.7"]
    answer = api.post("/api/alerts/rules", json=rule(channels=["webhook"], webhook_url=url))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith("webhook_url refused: ") and reason in answer.json()["detail"]
    slack = api.post("/api/alerts/rules", json=rule(channels=["slack"], slack_webhook_url=url))
    assert slack.status_code == 422 and slack.json()["detail"].startswith("slack_webhook_url refused: ")
    assert api.get("/api/alerts/rules").json() == []


def test_a_public_https_webhook_is_accepted_and_updates_are_checked_too(
    api: TestClient,
    resolver: dict,
) -> None:
    resolver["hooks.partner.example"] = ["93.184.216.34", "2606:2800:220:1::1"]
    public = rule(channels=["webhook"], webhook_url="https://hooks.partner.example/x")
    created = api.post("/api/alerts/rules", json=public)
    assert created.status_code == 201, created.text
    rule_id = created.json()["id"]
    inside = {**public, "webhook_url": "https://[::1]/"}
    assert api.put(f"/api/alerts/rules/{rule_id}", json=inside).status_code == 422
    template = {
        "template": "roas_below_1",
        "ad_account_id": ACCOUNT_ID,
        "overrides": {"channels": ["slack"], "slack_webhook_url": "https://10.0.0.1/"},
    }
    assert api.post("/api/alerts/rules/from-template", json=template).status_code == 422
    (stored,) = api.get("/api/alerts/rules").json()
    assert stored["webhook_url"] == "https://hooks.partner.example/x"


INSIDE_ADDRESSES = [
    *("127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "100.64.0.1", "169.254.169.254"),
    *("0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1"),
    *("::", "::1", "fc00::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254"),
    "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    "2001:db8::1",  # documentation
]


def test_every_inside_address_is_refused() -> None:
    passed = [a for a in INSIDE_ADDRESSES if refusal(ipaddress.ip_address(a)) is None]
    assert not passed


def test_public_addresses_pass_and_development_hosts_only_reach_loopback_and_private() -> None:
    for public in ("93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"):
        assert refusal(ipaddress.ip_address(public)) is None
    for allowed in ("127.0.0.1", "::1", "10.0.0.1", "fd00::1"):
        assert refusal(ipaddress.ip_address(allowed), development=True) is None
    for never in ("169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "240.0.0.1"):
        assert refusal(ipaddress.ip_address(never), development=True) is not None


def _self_signed(name: str, directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_https_connects_to_the_vetted_address_and_checks_the_certificate_against_the_name(
    resolver: dict, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """TLS (SNI, certificate check) and the Host header keep the URL's name while the socket goes to the
    address the policy vetted; a name the certificate does not carry is not accepted."""
    cert_path, key_path = _self_signed("hooks.dev.example", tmp_path)
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    resolver["hooks.dev.example"] = ["127.0.0.1"]
    resolver["other.dev.example"] = ["127.0.0.1"]
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    monkeypatch.setenv("TRAFFICDASH_WEBHOOK_DEV_HOSTS", '["hooks.dev.example", "other.dev.example"]')
    reset_settings_cache()
    try:
        assert webhooks.post_json(f"https://hooks.dev.example:{port}/hook", {"a": 1}) == 204
        with pytest.raises(webhooks.WebhookFailed, match="could not be reached"):
            webhooks.post_json(f"https://other.dev.example:{port}/hook", {"a": 1})
    finally:
        server.shutdown()
        server.server_close()
    assert hosts == [f"hooks.dev.example:{port}"]
