"""``/api/alerts`` over HTTP on the synced sandbox account: rules (CRUD, templates, evaluate, snooze,
mute), the history (list, one, ack, snooze, mute), the bell (unread, mark read), another user's
objects (404) and bad input (4xx with a reason, never a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.alerts.conftest import NOW, Synced
from tests.support import api_only_app, bearer_for, grant, make_user
from trafficdash import db
from trafficdash.alerts import evaluation
from trafficdash.alerts.rules import TEMPLATES
from trafficdash.models import Alert

LOJA = "Loja Brasil: ROAS is 0.68x (threshold 1.00x)."  # what roas_below_1 finds at NOW


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return api_only_app()


@pytest.fixture
def api(app: FastAPI, data: Synced, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(evaluation, "utcnow", lambda: NOW)  # "evaluate now" at the sandbox's pinned time
    with TestClient(app, raise_server_exceptions=False) as client:  # a 500 shows as a 500, not a raise
        client.headers.update(bearer_for(data.user_id))
        yield client


@pytest.fixture
def stranger(app: FastAPI, data: Synced) -> Iterator[TestClient]:
    """Another signed-in user, who cannot see the synced account."""
    with db.session_scope() as session:
        other = make_user(session, "bob@example.com", "Bob").id
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers.update(bearer_for(other))
        yield client


def spec(data: Synced, **changes: object) -> dict:
    return {
        "name": "Spend above 10",
        "ad_account_id": data.account_id,
        "metric": "spend",
        "condition": "above",
        "threshold": "10",
        "window": "last_3d",
        **changes,
    }


def fired(api: TestClient, data: Synced) -> tuple[int, int]:
    """A roas_below_1 rule, evaluated: (rule id, alert id)."""
    body = {"template": "roas_below_1", "ad_account_id": data.account_id}
    rule = api.post("/api/alerts/rules/from-template", json=body).json()
    evaluated = api.post(f"/api/alerts/rules/{rule['id']}/evaluate")
    assert evaluated.status_code == 200, evaluated.text
    assert evaluated.json()["state"] == "firing"
    (alert,) = api.get("/api/alerts", params={"kind": "rule"}).json()
    return rule["id"], alert["id"]


def test_templates_and_rule_crud(api: TestClient, data: Synced) -> None:
    templates = api.get("/api/alerts/templates").json()
    assert [t["key"] for t in templates] == [t.key for t in TEMPLATES]
    assert api.get("/api/alerts/rules").json() == []

    created = api.post("/api/alerts/rules", json=spec(data))
    assert created.status_code == 201, created.text
    rule = created.json()
    assert (rule["name"], rule["state"], rule["channels"]) == ("Spend above 10", "new", ["in_app"])
    assert Decimal(rule["threshold"]) == 10 and rule["description"]
    stored = api.get(f"/api/alerts/rules/{rule['id']}").json()
    assert {**stored, "threshold": Decimal(stored["threshold"])} == {**rule, "threshold": Decimal(10)}
    assert [r["id"] for r in api.get("/api/alerts/rules", params={"account_id": data.account_id}).json()] == [
        rule["id"]
    ]

    replaced = api.put(
        f"/api/alerts/rules/{rule['id']}", json=spec(data, name="Spend above 20", threshold="20")
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["name"], Decimal(replaced.json()["threshold"])) == ("Spend above 20", 20)

    assert api.delete(f"/api/alerts/rules/{rule['id']}").status_code == 204
    assert api.get(f"/api/alerts/rules/{rule['id']}").status_code == 404
    assert api.delete(f"/api/alerts/rules/{rule['id']}").status_code == 404


def test_from_template_evaluate_and_the_history(api: TestClient, data: Synced) -> None:
    body = {"template": "roas_below_1", "ad_account_id": data.account_id, "overrides": {"threshold": "2"}}
    created = api.post("/api/alerts/rules/from-template", json=body)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert (rule["template"], Decimal(rule["threshold"]), rule["state"]) == ("roas_below_1", 2, "new")
    # The template's own threshold, evaluated at the pinned time: one campaign below ROAS 1.
    rule_id, alert_id = fired(api, data)
    evaluated = api.get(f"/api/alerts/rules/{rule_id}").json()
    assert evaluated["last_evaluated_at"] is not None and evaluated["last_summary"]

    alert = api.get(f"/api/alerts/{alert_id}").json()
    assert alert["message"] == LOJA and alert["rule_id"] == rule_id and alert["kind"] == "rule"
    assert alert["resolved_at"] is None and alert["acknowledged_at"] is None
    assert [d["channel"] for d in alert["deliveries"]] in ([], ["in_app"])
    assert [a["id"] for a in api.get("/api/alerts", params={"account_id": data.account_id}).json()] == [
        alert_id
    ]
    assert api.get("/api/alerts", params={"kind": "anomaly"}).json() == []
    assert [a["id"] for a in api.get("/api/alerts", params={"open_only": True}).json()] == [alert_id]
    assert api.get("/api/alerts", params={"offset": 1}).json() == []
    # Evaluating again in the same episode fires nothing new.
    api.post(f"/api/alerts/rules/{rule_id}/evaluate")
    assert len(api.get("/api/alerts").json()) == 1


def test_unread_mark_read_and_acknowledge(api: TestClient, data: Synced) -> None:
    _, alert_id = fired(api, data)
    assert api.get("/api/alerts/unread").json() == {"unread": 1}
    assert api.post("/api/alerts/read").json() == {"unread": 0}
    assert api.get("/api/alerts/unread").json() == {"unread": 0}
    assert api.get(f"/api/alerts/{alert_id}").json()["read_at"] is not None

    acked = api.post(f"/api/alerts/{alert_id}/ack")
    assert acked.status_code == 200, acked.text
    first = acked.json()["acknowledged_at"]
    assert first is not None
    assert api.post(f"/api/alerts/{alert_id}/ack").json()["acknowledged_at"] == first  # idempotent


def test_snooze_and_mute_rules_and_alerts(api: TestClient, data: Synced) -> None:
    rule_id, alert_id = fired(api, data)
    until = (NOW + timedelta(days=1)).isoformat()
    snoozed = api.post(f"/api/alerts/rules/{rule_id}/snooze", json={"until": until})
    assert snoozed.status_code == 200, snoozed.text
    assert snoozed.json()["snoozed_until"].startswith((NOW + timedelta(days=1)).date().isoformat())
    assert (
        api.post(f"/api/alerts/rules/{rule_id}/snooze", json={"until": None}).json()["snoozed_until"] is None
    )

    assert api.post(f"/api/alerts/rules/{rule_id}/mute", json={"muted": True}).json()["muted"] is True
    assert api.post(f"/api/alerts/rules/{rule_id}/mute", json={"muted": False}).json()["muted"] is False

    # From the alert: acknowledge it and snooze / mute its rule.
    answer = api.post(f"/api/alerts/{alert_id}/snooze", json={"until": until})
    assert answer.status_code == 200, answer.text
    assert answer.json()["acknowledged_at"] is not None
    assert api.get(f"/api/alerts/rules/{rule_id}").json()["snoozed_until"] is not None
    assert api.post(f"/api/alerts/{alert_id}/mute", json={}).status_code == 200  # muted defaults to true
    assert api.get(f"/api/alerts/rules/{rule_id}").json()["muted"] is True
    assert api.post(f"/api/alerts/{alert_id}/mute", json={"muted": False}).status_code == 200
    assert api.get(f"/api/alerts/rules/{rule_id}").json()["muted"] is False


def test_another_users_rules_alerts_and_accounts_are_not_found(
    api: TestClient, stranger: TestClient, data: Synced
) -> None:
    rule_id, alert_id = fired(api, data)
    until = {"until": (NOW + timedelta(hours=2)).isoformat()}
    for method, path, body in [
        ("GET", f"/api/alerts/rules/{rule_id}", None),
        ("PUT", f"/api/alerts/rules/{rule_id}", spec(data)),
        ("DELETE", f"/api/alerts/rules/{rule_id}", None),
        ("POST", f"/api/alerts/rules/{rule_id}/evaluate", None),
        ("POST", f"/api/alerts/rules/{rule_id}/snooze", until),
        ("POST", f"/api/alerts/rules/{rule_id}/mute", {"muted": True}),
        ("GET", f"/api/alerts/{alert_id}", None),
        ("POST", f"/api/alerts/{alert_id}/ack", None),
        ("POST", f"/api/alerts/{alert_id}/snooze", until),
        ("POST", f"/api/alerts/{alert_id}/mute", {"muted": True}),
        ("POST", "/api/alerts/rules", spec(data)),
        (
            "POST",
            "/api/alerts/rules/from-template",
            {"template": "roas_below_1", "ad_account_id": data.account_id},
        ),
    ]:
        answer = stranger.request(method, path, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
        assert "Loja" not in answer.text
    assert stranger.get("/api/alerts").json() == []
    assert stranger.get("/api/alerts/rules").json() == []
    assert stranger.get("/api/alerts/unread").json() == {"unread": 0}
    assert stranger.post("/api/alerts/read").json() == {"unread": 0}
    # Nothing of the owner's changed.
    rule = api.get(f"/api/alerts/rules/{rule_id}").json()
    assert (rule["muted"], rule["snoozed_until"]) == (False, None)
    assert api.get(f"/api/alerts/{alert_id}").json()["acknowledged_at"] is None
    assert api.get("/api/alerts/unread").json() == {"unread": 1}


def test_bad_input_is_a_4xx_with_a_reason(api: TestClient, data: Synced) -> None:
    rule_id, alert_id = fired(api, data)
    naive = {"until": "2026-11-21T09:00:00"}
    cases = [
        ("POST", "/api/alerts/rules", spec(data, threshold="-1"), 422),
        ("POST", "/api/alerts/rules", spec(data, name="   "), 422),
        ("POST", "/api/alerts/rules", spec(data, metric="bananas"), 422),
        ("POST", "/api/alerts/rules", spec(data, campaign_id=1), 422),  # campaign_id without scope campaign
        (
            "POST",
            "/api/alerts/rules",
            spec(data, scope="campaign", campaign_id=999),
            422,
        ),  # not in the account
        ("POST", "/api/alerts/rules", spec(data, channels=["webhook"]), 422),  # no webhook_url
        ("POST", "/api/alerts/rules", spec(data, unknown_field=1), 422),
        ("POST", "/api/alerts/rules", spec(data, ad_account_id=123456789), 404),
        ("POST", "/api/alerts/rules", None, 422),
        (
            "POST",
            "/api/alerts/rules/from-template",
            {"template": "nope", "ad_account_id": data.account_id},
            422,
        ),
        (
            "POST",
            "/api/alerts/rules/from-template",
            {"template": "roas_below_1", "ad_account_id": data.account_id, "overrides": {"threshold": "x"}},
            422,
        ),
        ("POST", "/api/alerts/rules/from-template", {"template": "roas_below_1", "ad_account_id": 0}, 422),
        ("PUT", f"/api/alerts/rules/{rule_id}", spec(data, window="forever"), 422),
        ("POST", f"/api/alerts/rules/{rule_id}/snooze", naive, 422),  # no time zone
        ("POST", f"/api/alerts/rules/{rule_id}/snooze", {"until": "tomorrow"}, 422),
        ("POST", f"/api/alerts/rules/{rule_id}/mute", {"muted": "maybe"}, 422),
        ("POST", f"/api/alerts/{alert_id}/snooze", {"until": None}, 422),
        ("POST", f"/api/alerts/{alert_id}/snooze", naive, 422),
        ("GET", "/api/alerts/rules/0", None, 422),
        ("GET", "/api/alerts/rules/abc", None, 422),
        ("GET", "/api/alerts/rules/99999999999999999999999", None, 422),
        ("GET", "/api/alerts/123456", None, 404),
        ("POST", "/api/alerts/123456/ack", None, 404),
        ("GET", "/api/alerts", {"kind": "weather"}, 422),
        ("GET", "/api/alerts", {"limit": 0}, 422),
        ("GET", "/api/alerts", {"limit": 501}, 422),
        ("GET", "/api/alerts", {"offset": -1}, 422),
        ("GET", "/api/alerts", {"campaign_id": "x"}, 422),
        ("GET", "/api/alerts", {"account_id": "act_x"}, 422),
    ]
    for method, path, body, expected in cases:
        answer = api.get(path, params=body) if method == "GET" else api.request(method, path, json=body)
        assert answer.status_code == expected, (method, path, body, answer.status_code, answer.text)
        assert answer.json()["detail"], (method, path)
    # An anomaly has no rule to snooze or mute: a clear 422, not a 500.
    anomaly_id = add_anomaly(data.account_id)
    for path, body in (
        (f"/api/alerts/{anomaly_id}/snooze", {"until": (NOW + timedelta(hours=1)).isoformat()}),
        (f"/api/alerts/{anomaly_id}/mute", {"muted": True}),
    ):
        answer = api.post(path, json=body)
        assert answer.status_code == 422, answer.text
        assert "acknowledge" in answer.json()["detail"]
    assert api.post(f"/api/alerts/{anomaly_id}/ack").status_code == 200


def add_anomaly(account_id: int) -> int:
    """An anomaly alert on the account (no rule behind it); returns its id."""
    with db.session_scope() as session:
        anomaly = Alert(
            kind="anomaly",
            ad_account_id=account_id,
            subject_key="account",
            metric="spend",
            title="Unusual spend",
            message="Spend was 5x its usual level.",
        )
        session.add(anomaly)
        session.flush()
        return anomaly.id


def test_the_api_needs_a_user(app: FastAPI) -> None:
    with TestClient(app) as anonymous:
        for method, path in [
            ("GET", "/api/alerts"),
            ("GET", "/api/alerts/rules"),
            ("GET", "/api/alerts/templates"),
            ("GET", "/api/alerts/unread"),
            ("POST", "/api/alerts/read"),
            ("POST", "/api/alerts/rules"),
        ]:
            assert anonymous.request(method, path).status_code == 401, path


def test_a_teammate_on_the_same_account_sees_anomalies_but_not_my_rules(
    app: FastAPI, api: TestClient, data: Synced
) -> None:
    rule_id, alert_id = fired(api, data)
    with db.session_scope() as session:
        mate = make_user(session, "mate@example.com", "Mate")
        grant(session, mate, data.account_id)
        mate_id = mate.id
    anomaly_id = add_anomaly(data.account_id)
    with TestClient(app, raise_server_exceptions=False) as mate_api:
        mate_api.headers.update(bearer_for(mate_id))
        assert mate_api.get(f"/api/alerts/rules/{rule_id}").status_code == 404
        assert mate_api.post(f"/api/alerts/rules/{rule_id}/mute", json={"muted": True}).status_code == 404
        assert mate_api.get(f"/api/alerts/{alert_id}").status_code == 404
        assert mate_api.post(f"/api/alerts/{alert_id}/ack").status_code == 404
        assert [a["id"] for a in mate_api.get("/api/alerts").json()] == [anomaly_id]  # the account's anomaly
        assert mate_api.get("/api/alerts/unread").json() == {"unread": 1}
        assert mate_api.post(f"/api/alerts/{anomaly_id}/ack").status_code == 200
    assert api.get(f"/api/alerts/rules/{rule_id}").json()["muted"] is False
