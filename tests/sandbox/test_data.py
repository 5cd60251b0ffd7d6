"""Data invariants: determinism, exact breakdown sums, non-additive reach, restatement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from trafficdash.sandbox import SandboxConfig, sandbox_app_credentials, sandbox_users
from trafficdash.sandbox.delivery import COL
from trafficdash.sandbox.graph import Graph

TODAY = date(2026, 11, 20)
TOKEN_FIELDS = "impressions,clicks,spend,reach,actions,action_values"


def graph(today: date = TODAY, seed: int = 42) -> Graph:
    return Graph(SandboxConfig(seed=seed, scale="test", today=today))


def insights(g: Graph, node_id: str, **params) -> list[dict]:
    user = (
        g.world.users[0]
        if node_id in g.world.accounts and g.world.users[0]["id"] in g.world.accounts[node_id].owners
        else g.world.users[1]
    )
    params = {k: v if isinstance(v, str) else __import__("json").dumps(v) for k, v in params.items()}
    params.setdefault("limit", "5000")
    reply = g.handle(
        "GET", [node_id, "insights"], {"access_token": user["access_token"], **params}, "http://x"
    )
    assert reply.status == 200, reply.body
    return reply.body["data"]


def first_account(g: Graph) -> str:
    return g.world.users[0]["ad_account_ids"][0]


def test_users_and_credentials_are_stable_for_a_seed():
    assert sandbox_users(42) == sandbox_users(42)
    assert sandbox_app_credentials(42) == sandbox_app_credentials(42)
    assert sandbox_users(7)[0]["access_token"] != sandbox_users(42)[0]["access_token"]
    users = sandbox_users(42)
    assert len(users) >= 3
    shared = set(users[0]["ad_account_ids"]) & set(users[1]["ad_account_ids"])
    assert len(shared) == 1


def test_demo_accounts_have_three_currencies_and_time_zones():
    g = Graph(SandboxConfig(seed=42))
    specs = {(a.spec.currency, a.spec.timezone) for a in g.world.accounts.values()}
    assert {("BRL", "America/Sao_Paulo"), ("USD", "America/New_York"), ("EUR", "Europe/Lisbon")} <= specs
    assert all(len(a.campaigns) == 10 for a in g.world.accounts.values())


def test_bench_scale_is_one_account_with_1000_ads():
    g = Graph(SandboxConfig(scale="bench", today=TODAY))
    (acc,) = g.world.accounts.values()
    assert len(g.world.ads_of(acc)) == 1000 and g.config.history_days == 90


def test_same_seed_same_numbers_and_restarts_agree():
    a, b = graph(), graph()
    acc = first_account(a)
    p = {
        "level": "ad",
        "time_increment": "1",
        "fields": "ad_id," + TOKEN_FIELDS,
        "time_range": {"since": "2026-10-01", "until": "2026-11-19"},
    }
    assert insights(a, acc, **p) == insights(b, acc, **p)
    other = graph(seed=43)
    assert insights(other, other.world.users[0]["ad_account_ids"][0], **p) != insights(a, acc, **p)


def test_past_numbers_do_not_depend_on_the_day_the_sandbox_runs():
    a, b = graph(TODAY), graph(TODAY + timedelta(days=9))
    acc = first_account(a)
    p = {
        "level": "ad",
        "time_increment": "1",
        "fields": "ad_id," + TOKEN_FIELDS,
        "time_range": {"since": "2026-10-10", "until": "2026-11-05"},
    }
    assert insights(a, acc, **p) == insights(b, acc, **p)


@pytest.mark.parametrize(
    "breakdowns",
    [
        ["age", "gender"],
        ["country"],
        ["publisher_platform", "platform_position"],
        ["device_platform"],
        ["impression_device"],
        ["publisher_platform"],
        ["region"],
        ["dma"],
        ["hourly_stats_aggregated_by_advertiser_time_zone"],
        ["hourly_stats_aggregated_by_audience_time_zone"],
        ["frequency_value"],
        ["product_id"],
        ["body_asset"],
        ["image_asset"],
    ],
)
def test_breakdown_rows_sum_exactly_to_totals(breakdowns):
    g = graph()
    acc = first_account(g)
    base = {
        "level": "campaign",
        "time_increment": "1",
        "time_range": {"since": "2026-11-01", "until": "2026-11-20"},
        "fields": "campaign_id,impressions,clicks,spend,inline_link_clicks,actions,action_values",
        "action_attribution_windows": ["1d_click", "7d_click", "1d_view"],
    }
    totals = insights(g, acc, **base)
    rows = insights(g, acc, breakdowns=breakdowns, **base)
    assert totals and rows and len(rows) > len(totals)

    def add(into: dict, row: dict) -> None:
        key = (row["campaign_id"], row["date_start"])
        d = into.setdefault(key, {})
        for m in ("impressions", "clicks", "inline_link_clicks"):
            d[m] = d.get(m, 0) + int(row[m])
        d["spend"] = d.get("spend", 0) + round(float(row["spend"]) * 100)
        for lst in ("actions", "action_values"):
            for item in row.get(lst, []):
                for k, v in item.items():
                    if k != "action_type":
                        kk = (lst, item["action_type"], k)
                        d[kk] = d.get(kk, 0) + round(float(v) * 100)

    want: dict = {}
    got: dict = {}
    for r in totals:
        add(want, r)
    for r in rows:
        add(got, r)
    assert got == want


def test_period_reach_is_below_summed_daily_reach_and_frequency_consistent():
    g = graph()
    acc = first_account(g)
    for level in ("ad", "campaign", "account"):
        rng = {"since": "2026-10-21", "until": "2026-11-19"}
        daily = insights(
            g,
            acc,
            level=level,
            time_increment="1",
            time_range=rng,
            fields=f"{level}_id,reach,impressions" if level != "account" else "reach,impressions",
        )
        period = insights(
            g,
            acc,
            level=level,
            time_range=rng,
            fields=f"{level}_id,reach,impressions,frequency"
            if level != "account"
            else "reach,impressions,frequency",
        )
        key = f"{level}_id" if level != "account" else None
        for row in period:
            days = [d for d in daily if key is None or d[key] == row[key]]
            total_daily = sum(int(d["reach"]) for d in days)
            if len(days) > 1:
                assert int(row["reach"]) < total_daily
            assert int(row["reach"]) >= max(int(d["reach"]) for d in days)
            assert abs(float(row["frequency"]) - int(row["impressions"]) / int(row["reach"])) < 1e-5


def _purchases(g: Graph, acc: str, day: date) -> int:
    rows = insights(
        g,
        acc,
        level="account",
        time_range={"since": day.isoformat(), "until": day.isoformat()},
        fields="actions,spend",
    )
    for item in rows[0].get("actions", []):
        if item["action_type"] == "omni_purchase":
            return int(item["value"])
    return 0


def test_recent_conversions_are_restated_then_settle():
    day = TODAY - timedelta(days=1)
    g0 = graph(TODAY)
    acc = first_account(g0)
    seen = [_purchases(graph(TODAY + timedelta(days=k)), acc, day) for k in range(0, 10)]
    assert seen == sorted(seen)  # never shrinks
    assert seen[0] < seen[-1]  # grows over the following days
    assert seen[-1] == seen[-2] == seen[-3]  # then settles
    spend = [
        insights(
            graph(TODAY + timedelta(days=k)),
            acc,
            level="account",
            fields="spend",
            time_range={"since": day.isoformat(), "until": day.isoformat()},
        )[0]["spend"]
        for k in (0, 5)
    ]
    assert spend[0] == spend[1]  # delivery itself is not restated


def test_purchase_family_is_consistent():
    g = graph()
    acc = first_account(g)
    (row,) = insights(g, acc, date_preset="last_30d", fields="actions,action_values,spend,purchase_roas")
    acts = {a["action_type"]: a["value"] for a in row["actions"]}
    vals = {a["action_type"]: a["value"] for a in row["action_values"]}
    assert acts["omni_purchase"] == acts["purchase"] == acts["offsite_conversion.fb_pixel_purchase"]
    assert vals["omni_purchase"] == vals["offsite_conversion.fb_pixel_purchase"]
    roas = float(row["purchase_roas"][0]["value"])
    assert abs(roas - float(vals["omni_purchase"]) / float(row["spend"])) < 1e-5


def test_delivery_columns_are_sane():
    g = graph()
    ad = g.world.ads_of(next(iter(g.world.accounts.values())))[0]
    _, m = g.delivery.series(ad)
    assert (m[:, COL["reach"]] <= m[:, COL["impressions"]]).all()
    assert (m[:, COL["clicks"]] <= m[:, COL["impressions"]]).all()
    assert (m[:, COL["inline_link_clicks"]] <= m[:, COL["clicks"]]).all()
