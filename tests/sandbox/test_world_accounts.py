"""Accounts as the world has them: currencies without minor units, half-hour and daylight-saving time
zones, disabled and closed accounts; all on a demo user of their own, leaving the others unchanged."""

from __future__ import annotations

import json
from datetime import date

import pytest

from trafficdash.sandbox import SandboxConfig
from trafficdash.sandbox.graph import Graph
from trafficdash.sandbox.money import NO_MINOR_UNIT, api_amount, offset

TODAY = date(2026, 11, 30)


def _graph(today: date = TODAY, world_accounts: int = 1) -> Graph:
    return Graph(SandboxConfig(seed=42, scale="demo", today=today, world_accounts=world_accounts))


def get(graph: Graph, user: dict, path: list[str], **params: object) -> dict:
    query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    reply = graph.handle("GET", path, {"access_token": user["access_token"], **query}, "http://sandbox")
    assert reply.status == 200, reply.body
    return reply.body


@pytest.fixture(scope="module")
def graph() -> Graph:
    return _graph()


def _accounts(graph: Graph) -> dict[str, dict]:
    user = graph.world.users[-1]
    fields = "account_id,currency,timezone_name,timezone_offset_hours_utc,account_status,disable_reason,amount_spent,min_daily_budget"
    rows = get(graph, user, ["me", "adaccounts"], fields=fields, limit="50")["data"]
    return {r["currency"]: r for r in rows}


def test_offset_one_currencies_follow_metas_table() -> None:
    assert {"JPY", "KRW", "CLP", "COP", "TWD", "HUF", "ISK", "VND", "IDR"} <= NO_MINOR_UNIT
    assert offset("JPY") == 1 and offset("USD") == offset("INR") == 100
    assert api_amount(123400, "JPY") == "1234" and api_amount(123456, "BRL") == "123456"


def test_the_world_user_holds_the_new_accounts_and_the_others_are_unchanged(graph: Graph) -> None:
    before = _graph(world_accounts=0)
    assert graph.world.users[:-1] == before.world.users
    accounts = _accounts(graph)
    assert set(accounts) == {"JPY", "INR", "EUR", "KRW", "IDR", "HUF", "COP"}
    first = before.world.users[0]
    act = first["ad_account_ids"][0]
    query = {
        "level": "ad",
        "time_increment": "1",
        "date_preset": "last_30d",
        "fields": "ad_id,spend,impressions",
    }
    assert get(graph, first, [act, "insights"], **query) == get(before, first, [act, "insights"], **query)


def test_no_decimal_currencies_report_whole_units(graph: Graph) -> None:
    user = graph.world.users[-1]
    for currency in ("JPY", "KRW", "IDR"):
        act = "act_" + _accounts(graph)[currency]["account_id"]
        rows = get(
            graph,
            user,
            [act, "insights"],
            level="ad",
            time_increment="1",
            date_preset="last_90d",
            fields="spend,action_values",
            limit="500",
        )["data"]
        assert rows and all("." not in r["spend"] for r in rows)
        assert all("." not in a["value"] for r in rows for a in r.get("action_values", []))
        adsets = get(graph, user, [act, "adsets"], fields="daily_budget,budget_remaining", limit="100")[
            "data"
        ]
        budgets = [int(s["daily_budget"]) for s in adsets if "daily_budget" in s]
        # whole yen/won/rupiah: a 20-250 USD budget is thousands of units, never hundreds of thousands
        assert budgets and all(
            20 * 100 <= b / graph.world.accounts[act].scale * 100 <= 250 * 100 for b in budgets
        )
        account = get(graph, user, [act], fields="amount_spent,min_daily_budget")
        assert int(account["min_daily_budget"]) == int(graph.world.accounts[act].scale)
    usd_like = get(
        graph,
        graph.world.users[0],
        [graph.world.users[0]["ad_account_ids"][0], "adsets"],
        fields="daily_budget",
    )
    assert any(
        int(s.get("daily_budget", 0)) % 100 == 0 and int(s.get("daily_budget", 0)) > 1000
        for s in usd_like["data"]
    )


@pytest.mark.parametrize(
    ("currency", "winter", "summer"),
    [("INR", 5.5, 5.5), ("EUR", 1.0, 2.0), ("JPY", 9.0, 9.0)],
)
def test_half_hour_and_daylight_saving_offsets(
    graph: Graph, currency: str, winter: float, summer: float
) -> None:
    assert _accounts(graph)[currency]["timezone_offset_hours_utc"] == winter
    assert _accounts(_graph(date(2026, 7, 15)))[currency]["timezone_offset_hours_utc"] == summer


def test_daylight_saving_change_inside_the_range_keeps_one_row_per_local_day(graph: Graph) -> None:
    user = graph.world.users[-1]
    act = "act_" + _accounts(graph)["EUR"]["account_id"]  # Europe/Berlin left summer time on 25 October 2026
    rows = get(
        graph,
        user,
        [act, "insights"],
        level="account",
        time_increment="1",
        time_range={"since": "2026-10-20", "until": "2026-10-30"},
        fields="spend",
    )["data"]
    assert [r["date_start"] for r in rows] == [f"2026-10-{d}" for d in range(20, 31)]


def test_disabled_and_closed_accounts_are_listed_with_their_status(graph: Graph) -> None:
    accounts = _accounts(graph)
    assert (accounts["HUF"]["account_status"], accounts["HUF"]["disable_reason"]) == (2, 1)
    assert accounts["COP"]["account_status"] == 101
    assert all(accounts[c]["account_status"] == 1 for c in ("JPY", "INR", "EUR", "KRW", "IDR"))
