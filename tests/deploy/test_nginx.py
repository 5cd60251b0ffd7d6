"""deploy/nginx: `nginx -t` with Debian's nginx (plain and with the TLS block switched on), and
the parts NiceGUI needs behind a proxy (websocket upgrade, sticky sessions)."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.deploy.tools import ROOT, require_tool

NGINX_DIR = ROOT / "deploy" / "nginx"
# Compose service names -> loopback, so the check needs no Docker DNS.
UPSTREAM_HOSTS = {"web:8080": "127.0.0.1:8080", "rq-dashboard:9181": "127.0.0.1:9181"}


def _uncomment_tls(text: str) -> str:
    """Switch on the commented TLS server block, as the README tells the operator to."""
    start = text.index("    # server {")
    end = text.index("    # }", start) + len("    # }")
    block = re.sub(r"^    # ?", "    ", text[start:end], flags=re.MULTILINE)
    return text[:start] + block + text[end:]


def _self_signed(certs: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dashboard.example.com")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (certs / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (certs / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def _prepared(tmp_path: Path, tls: bool) -> Path:
    """A copy of the config with container paths mapped into tmp_path."""
    for source in NGINX_DIR.glob("*.conf"):
        text = source.read_text()
        for host, local in UPSTREAM_HOSTS.items():
            text = text.replace(f"server {host}", f"server {local}")
        text = text.replace("/var/cache/nginx", str(tmp_path / "cache"))
        text = text.replace("/etc/nginx/htpasswd", str(tmp_path / "htpasswd"))
        text = text.replace("/etc/nginx/certs", str(tmp_path / "certs"))
        text = text.replace("pid /tmp/nginx.pid", f"pid {tmp_path / 'nginx.pid'}")
        if tls and source.name == "nginx.conf":
            text = _uncomment_tls(text)
        (tmp_path / source.name).write_text(text)
    (tmp_path / "htpasswd").write_text("admin:$apr1$Hn5Zx0Pq$7jWnqNNX0wOQ6Dq3v1cFz.\n")
    (tmp_path / "cache").mkdir()  # the nginx image ships /var/cache/nginx
    (tmp_path / "certs").mkdir()
    (tmp_path / "logs").mkdir()
    if tls:
        _self_signed(tmp_path / "certs")
    return tmp_path / "nginx.conf"


@pytest.mark.parametrize("tls", [False, True], ids=["http", "tls"])
def test_nginx_accepts_the_config(tmp_path: Path, tls: bool) -> None:
    nginx = require_tool("nginx", "apt-get install nginx")
    config = _prepared(tmp_path, tls)
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "logs" / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def _conf() -> str:
    return "\n".join(p.read_text() for p in sorted(NGINX_DIR.glob("*.conf")))


def test_nicegui_needs_are_met() -> None:
    conf = _conf()
    assert re.search(r"upstream trafficdash_web \{[^}]*\bip_hash;", conf), "sticky sessions"
    assert "location /_nicegui_ws/" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert re.search(r"^\s*gzip on;", conf, re.MULTILINE)
    assert "proxy_cache nicegui_static;" in conf
    assert re.search(r"location /rq/ \{[^}]*auth_basic_user_file", conf), "rq-dashboard behind auth"
    assert "ssl_certificate     /etc/nginx/certs/fullchain.pem;" in conf


def test_locations_do_not_override_the_proxy_headers() -> None:
    """A location with its own proxy_set_header drops every inherited one (Host, X-Forwarded-*)."""
    locations = (NGINX_DIR / "trafficdash-locations.conf").read_text()
    for body in re.findall(r"location [^{]+\{([^}]*)\}", locations):
        assert "proxy_set_header" not in body


def test_access_log_never_records_query_strings() -> None:
    log_format = re.search(r"log_format main[^;]+;", _conf(), re.DOTALL)
    assert (
        log_format and "$request_uri" not in log_format.group(0) and '"$request"' not in log_format.group(0)
    )


def test_tls_block_switches_on_cleanly() -> None:
    text = (NGINX_DIR / "nginx.conf").read_text()
    on = _uncomment_tls(text)
    assert "listen 443 ssl" in on and "\n    # server {" not in on
    assert on.count("include trafficdash-locations.conf;") == 2
