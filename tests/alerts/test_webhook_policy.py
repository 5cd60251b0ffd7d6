"""The outbound-URL policy of alert webhooks at save time: a rule whose webhook could reach inside (a
loopback, private, link-local... address, by literal or by a name resolving there, or plain http) is
refused with a 422 that says why, and nothing is stored. Delivery-time checks: test_channels.py."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support import api_only_app, bearer_for, grant, make_user
from trafficdash import db
from trafficdash.models import AdAccount
from trafficdash.notify.webhooks import refusal

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
