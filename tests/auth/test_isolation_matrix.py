"""Two sandbox users who share one ad account, against every endpoint and page in the tables below.

Add your endpoint or page to a table: ``{own}`` is replaced by an account only the caller sees,
``{shared}`` by the account both see, ``{other}`` by an account only the other user sees. Each
row is checked for both users: own and shared answer ``ok``, the other's ids answer 404, and no
answer ever names the other user's private account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nicegui.testing import User
from sqlalchemy import select

from tests.sandbox.conftest import PINNED_TODAY
from tests.support import bearer_for, sign_in
from trafficdash import db
from trafficdash.alerts import service as alerts
from trafficdash.analytics.schemas import Filters
from trafficdash.auth.connections import register_connection
from trafficdash.models import AdAccount, Alert, Campaign
from trafficdash.reports import service as reports
from trafficdash.reports.spec import ReportSpec
from trafficdash.settings import reset_settings_cache
from trafficdash.sync import clock
from trafficdash.sync.service import sync_account


@dataclass(frozen=True)
class Row:
    method: str
    path: (
        str  # {own}/{shared}/{other} accounts (numeric ids), {own_campaign}..., {own_report}..., {own_run}...
        # ..., {own_rule}... (the caller's alert rule on that account), {own_alert}... (its alert)
    )
    ok: int = 200
    json: dict[str, Any] | None = field(default=None, hash=False)


SINCE, UNTIL = PINNED_TODAY - timedelta(days=9), PINNED_TODAY
RANGE = f"since={SINCE}&until={UNTIL}"

# API endpoints without account ids: answered for the caller only.
API_ROWS = [
    Row("GET", "/api/me"),
    Row("GET", "/api/tokens"),
    Row("GET", "/api/team"),
    Row("GET", "/api/ad-accounts"),
    Row("GET", f"/api/campaigns?{RANGE}"),
    Row("GET", f"/api/campaigns?level=ad&{RANGE}"),
    Row("GET", f"/api/insights/summary?{RANGE}"),
    Row("GET", f"/api/insights/daily?{RANGE}"),
    Row("GET", f"/api/insights/breakdown?dimension=country&{RANGE}"),
    Row("GET", f"/api/reports/export/csv?level=ad&{RANGE}"),
    Row("GET", "/api/reports"),
    Row("GET", "/api/reports/schedules"),
    Row("GET", "/api/sync/runs"),
    Row("GET", "/api/sync/schedules"),
    Row("GET", "/api/alerts"),
    Row("GET", "/api/alerts/rules"),
    Row("GET", "/api/alerts/unread"),
]
# API endpoints taking an account (or an object of an account): own and shared answer ``ok``, the
# other user's answer 404.
ALERT_RULE = {"name": "Spend above 10", "ad_account_id": "{own}", "threshold": "10", "window": "last_3d"}
SNOOZE_UNTIL = f"{UNTIL + timedelta(days=1)}T09:00:00Z"
API_ACCOUNT_ROWS: list[Row] = [
    Row("GET", f"/api/campaigns?account_id={{own}}&{RANGE}"),
    Row("GET", f"/api/campaigns?account_id=act_{{own}}&level=adset&{RANGE}"),
    Row("GET", f"/api/campaigns/{{own_campaign}}?{RANGE}"),
    Row("GET", f"/api/insights/summary?account_id={{own}}&{RANGE}"),
    Row("GET", f"/api/insights/daily?account_id={{own}}&{RANGE}"),
    Row("GET", f"/api/insights/breakdown?account_id={{own}}&dimension=placement&{RANGE}"),
    Row("GET", f"/api/insights/summary?campaign_id={{own_campaign}}&{RANGE}"),
    Row("GET", f"/api/reports/export/excel?account_id={{own}}&{RANGE}"),
    Row("GET", f"/api/reports/export/csv?account_id={{own}}&{RANGE}"),
    Row("GET", "/api/reports/{own_report}"),
    Row("GET", "/api/reports/{own_report}/download"),
    Row("GET", "/api/sync/runs?account_id={own}"),
    Row("GET", "/api/sync/{own_run}"),
    Row("POST", "/api/sync", 202, json={"account_ids": ["{own}"]}),
    Row("PUT", "/api/sync/schedules/{own}", json={"interval_minutes": 360, "nightly_enabled": True}),
    Row(
        "POST",
        "/api/alerts/rules/from-template",
        201,
        json={"template": "roas_below_1", "ad_account_id": "{own}"},
    ),
    Row("POST", "/api/alerts/rules", 201, json=ALERT_RULE),
    Row("GET", "/api/alerts/rules/{own_rule}"),
    Row("PUT", "/api/alerts/rules/{own_rule}", json=ALERT_RULE),
    Row("POST", "/api/alerts/rules/{own_rule}/evaluate"),
    Row("POST", "/api/alerts/rules/{own_rule}/snooze", json={"until": SNOOZE_UNTIL}),
    Row("POST", "/api/alerts/rules/{own_rule}/mute", json={"muted": True}),
    Row("GET", "/api/alerts/{own_alert}"),
    Row("POST", "/api/alerts/{own_alert}/ack"),
    Row("POST", "/api/alerts/{own_alert}/snooze", json={"until": SNOOZE_UNTIL}),
    Row("POST", "/api/alerts/{own_alert}/mute", json={"muted": True}),
    Row(
        "POST",
        "/api/reports/schedules",
        201,
        json={
            "name": "weekly",
            "spec": {
                "filters": {"account_ids": ["{own}"], "since": str(SINCE), "until": str(UNTIL)},
                "format": "csv",
                "preset": "last_7d",
            },
        },
    ),
]
# Pages (NiceGUI): rendered for the caller only; the other user's accounts and campaigns never show.
PAGE_ROWS = [
    "/",
    "/campaigns",
    "/campaigns?level=ad",
    "/audience",
    "/accounts",
    "/sync",
    "/reports",
    "/alerts",
    "/settings",
    "/?account_id={other}",
    "/campaigns?account_id={other}",
    "/campaigns/{other_campaign}",
]


@pytest.fixture
def two_users(meta, monkeypatch: pytest.MonkeyPatch):
    """users[0] and users[1] of the sandbox: the last account of users[0] is also users[1]'s first.

    Both sign in with their Meta tokens; their three accounts are synced (a short, pinned history)
    and each user has a built report of each account they see.
    """
    monkeypatch.setenv("TRAFFICDASH_SYNC_HISTORY_DAYS", "10")
    monkeypatch.setenv("TRAFFICDASH_SYNC_LOOKBACK_DAYS", "2")
    reset_settings_cache()
    pinned = datetime(PINNED_TODAY.year, PINNED_TODAY.month, PINNED_TODAY.day, 15, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now_utc", lambda: pinned)
    ana_fb, bia_fb = meta.users[0], meta.users[1]
    with db.session_scope() as s:
        ana = register_connection(s, ana_fb["access_token"], "ana@example.com")
        bia = register_connection(s, bia_fb["access_token"], "bia@example.com")
        ids = ana.id, bia.id
    ana_acts = [int(a.removeprefix("act_")) for a in ana_fb["ad_account_ids"]]
    bia_acts = [int(a.removeprefix("act_")) for a in bia_fb["ad_account_ids"]]
    shared = sorted(set(ana_acts) & set(bia_acts))
    assert len(shared) == 1
    ana_own = next(a for a in ana_acts if a not in shared)
    bia_own = next(a for a in bia_acts if a not in shared)
    runs = {account: sync_account(account) for account in (ana_own, bia_own, shared[0])}
    with db.session_scope() as s:
        campaigns = {
            account: s.scalar(select(Campaign.id).where(Campaign.ad_account_id == account).limit(1))
            for account in runs
        }
        assert all(campaigns.values())
        report_ids, rule_ids, alert_ids = {}, {}, {}
        for user_id, accounts in ((ids[0], (ana_own, shared[0])), (ids[1], (bia_own, shared[0]))):
            for account in accounts:
                spec = ReportSpec(
                    filters=Filters(account_ids=[account], since=SINCE, until=UNTIL), format="csv"
                )
                report_ids[user_id, account] = reports.create_report(s, user_id, spec).id
                rule = alerts.create_from_template(s, user_id, "roas_below_1", account)
                alert = Alert(
                    kind="rule",
                    rule_id=rule.id,
                    user_id=user_id,
                    ad_account_id=account,
                    subject_key=f"account:{account}",
                    metric="roas",
                    title="ROAS below 1",
                    message="ROAS is 0.5 (threshold 1.00).",
                )
                s.add(alert)
                s.flush()
                rule_ids[user_id, account], alert_ids[user_id, account] = rule.id, alert.id
    for report_id in report_ids.values():
        reports.build_report(report_id)

    def person(me: int, own: int, other_user: int, other: int) -> dict[str, Any]:
        return {
            "id": me,
            "own": own,
            "other": other,
            "shared": shared[0],
            "own_campaign": campaigns[own],
            "shared_campaign": campaigns[shared[0]],
            "other_campaign": campaigns[other],
            "own_run": runs[own],
            "shared_run": runs[shared[0]],
            "other_run": runs[other],
            "own_report": report_ids[me, own],
            "shared_report": report_ids[me, shared[0]],
            "other_report": report_ids[other_user, other],
            "own_rule": rule_ids[me, own],
            "shared_rule": rule_ids[me, shared[0]],
            "other_rule": rule_ids[other_user, other],
            "own_alert": alert_ids[me, own],
            "shared_alert": alert_ids[me, shared[0]],
            "other_alert": alert_ids[other_user, other],
        }

    return {
        "ana": person(ids[0], ana_own, ids[1], bia_own),
        "bia": person(ids[1], bia_own, ids[0], ana_own),
    }


def _fill(template: Any, who: dict, key: str) -> Any:
    """``{own}``-style placeholders filled as ``key`` (own, shared or other) of ``who``."""
    if isinstance(template, dict):
        return {k: _fill(v, who, key) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, who, key) for v in template]
    if not isinstance(template, str):
        return template
    values = {}
    for kind in ("", "_campaign", "_run", "_report", "_rule", "_alert"):
        for name in ("own", "shared", "other"):
            values[f"{name}{kind}"] = who[f"{key if name == 'own' else name}{kind}"]
    filled = template.format(**values)
    return int(filled) if template.startswith("{") and filled.isdigit() else filled


def _private_names(who: dict) -> list[str]:
    """Names only the other user may see: their own account and its campaigns (minus names that
    accounts visible to this user happen to share)."""
    with db.session_scope() as s:

        def names(account: int) -> set[str]:
            found = {s.get(AdAccount, account).name}
            found |= set(s.scalars(select(Campaign.name).where(Campaign.ad_account_id == account)))
            return found

        return sorted(names(who["other"]) - names(who["own"]) - names(who["shared"]))


async def test_api_isolation(user: User, two_users) -> None:
    for name, who in two_users.items():
        headers = bearer_for(who["id"])
        private = [str(who["other"]), *_private_names(who)]
        for row in API_ROWS:
            answer = await user.http_client.request(row.method, row.path, headers=headers)
            assert answer.status_code == row.ok, (name, row, answer.text[:300])
            for secret in private:
                assert secret not in answer.text, (name, row, secret)
        me = (await user.http_client.get("/api/me", headers=headers)).json()
        seen = {int(a["id"].removeprefix("act_")) for a in me["ad_accounts"]}
        assert seen == {who["own"], who["shared"]}, name
        # Positive control: the synced data is there for the caller (so "absent" above means hidden).
        assert len(private) > 2
        listing = (await user.http_client.get(f"/api/campaigns?{RANGE}&page_size=100", headers=headers)).text
        assert str(who["own_campaign"]) in listing and str(who["shared_campaign"]) in listing
        for row in API_ACCOUNT_ROWS:
            for key in ("own", "shared"):
                answer = await user.http_client.request(
                    row.method, _fill(row.path, who, key), json=_fill(row.json, who, key), headers=headers
                )
                assert answer.status_code == row.ok, (name, row, key, answer.text[:300])
            answer = await user.http_client.request(
                row.method, _fill(row.path, who, "other"), json=_fill(row.json, who, "other"), headers=headers
            )
            assert answer.status_code == 404, (name, row, answer.text[:300])
            for secret in private[1:]:
                assert secret not in answer.text, (name, row, secret)


async def test_page_isolation(user: User, two_users) -> None:
    with db.session_scope() as s:
        account_names = {a.id: a.name for a in s.scalars(select(AdAccount))}
    who = two_users["ana"]
    await sign_in(user, who["id"], "/settings")
    await user.should_see(account_names[who["own"]])
    await user.should_see(account_names[who["shared"]])
    await user.should_not_see(account_names[who["other"]])
    private = _private_names(who)
    assert account_names[who["other"]] in private
    await user.open("/accounts")
    await user.should_see(account_names[who["own"]])
    for template in PAGE_ROWS:
        path = _fill(template, who, "own")
        await user.open(path)
        for secret in private:
            await user.should_not_see(secret, retries=1)
        html = (await user.http_client.get(path)).text
        for secret in private:
            assert secret not in html, (path, secret)
