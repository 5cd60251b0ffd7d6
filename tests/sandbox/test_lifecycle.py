"""Archived and deleted objects as Meta treats them: hidden from edges and from level insights unless a
status filter asks, always counted in account totals, readable by their own id."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from trafficdash.sandbox import SandboxConfig
from trafficdash.sandbox.delivery import COL
from trafficdash.sandbox.graph import Graph
from trafficdash.sandbox.world import Account, ad_status

TODAY = date(2026, 11, 30)
EVERY_STATUS = ["ACTIVE", "PAUSED", "CAMPAIGN_PAUSED", "ADSET_PAUSED", "ARCHIVED", "DELETED"]
STATUS_FILTER = {
    "ad": "ad.effective_status",
    "adset": "adset.effective_status",
    "campaign": "campaign.effective_status",
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph(SandboxConfig(seed=42, scale="demo", today=TODAY))


def get(graph: Graph, account: Account, path: list[str], **params: object) -> dict:
    token = graph.world.users_by_id[account.owners[0]]["access_token"]
    query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    reply = graph.handle("GET", path, {"access_token": token, "limit": "5000", **query}, "http://sandbox")
    assert reply.status == 200, reply.body
    return reply.body


def total(rows: list[dict], field: str = "spend") -> Decimal:
    return sum((Decimal(r[field]) for r in rows), Decimal(0))


def busiest_with_ended(graph: Graph) -> tuple[Account, date]:
    """An account and a range holding spend of deleted and archived ads."""
    since = TODAY - timedelta(days=120)
    best = None
    for acc in graph.world.accounts.values():
        statuses = {
            ad_status(graph.world, ad)[1]
            for ad in graph.world.ads_of(acc)
            if ad.end or ad.adset.end or ad.campaign.end
        }
        if {"DELETED", "ARCHIVED"} <= statuses and best is None:
            best = acc
    assert best is not None
    return best, since


def test_the_world_deletes_and_archives_at_every_level_after_spending(graph: Graph) -> None:
    ended = {"campaign": set(), "adset": set(), "ad": set()}
    delivery = graph.delivery
    for ad in [a for acc in graph.world.accounts.values() for a in graph.world.ads_of(acc)]:
        for level, node in (("campaign", ad.campaign), ("adset", ad.adset), ("ad", ad)):
            if node.end is not None and node.end.day <= TODAY:
                days, m = delivery.series(ad)
                end = node.end.day.toordinal()
                spent_before = m[days < end, COL["spend"]].sum() > 0
                assert m[days >= end].sum() == 0  # nothing delivered from the end day on
                if spent_before:
                    ended[level].add(node.end.status)
    assert all(s == {"ARCHIVED", "DELETED"} for s in ended.values()), ended


def test_listings_hide_ended_objects_unless_a_status_asks(graph: Graph) -> None:
    """Meta: Marketing API › Manage your ad object's status (https://developers.facebook.com/docs/marketing-api/best-practices/manage-your-ad-object-status)."""
    for acc in graph.world.accounts.values():
        for edge in ("campaigns", "adsets", "ads"):
            everything = get(
                graph, acc, [acc.id, edge], fields="effective_status", effective_status=EVERY_STATUS
            )["data"]
            plain = get(graph, acc, [acc.id, edge], fields="effective_status")["data"]
            by_filter = get(
                graph,
                acc,
                [acc.id, edge],
                fields="effective_status",
                filtering=[{"field": "effective_status", "operator": "IN", "value": EVERY_STATUS}],
            )["data"]
            assert {r["effective_status"] for r in plain}.isdisjoint({"ARCHIVED", "DELETED"})
            assert len(plain) == sum(r["effective_status"] not in ("ARCHIVED", "DELETED") for r in everything)
            assert sorted(r["id"] for r in by_filter) == sorted(r["id"] for r in everything)
    deleted = [
        r
        for acc in graph.world.accounts.values()
        for r in get(graph, acc, [acc.id, "ads"], fields="effective_status", effective_status=["DELETED"])[
            "data"
        ]
    ]
    assert deleted and all(r["effective_status"] == "DELETED" for r in deleted)
    # readable by its own id, with its insights
    ad = graph.world.nodes[deleted[0]["id"]]
    assert get(graph, ad.account, [ad.id], fields="effective_status")["effective_status"] == "DELETED"
    assert get(graph, ad.account, [ad.id, "insights"], date_preset="maximum")["data"]


@pytest.mark.parametrize("level", ["campaign", "adset", "ad"])
def test_level_insights_omit_ended_objects_unless_the_status_filter_asks(graph: Graph, level: str) -> None:
    """Meta: Marketing API › Manage your ad object's status (https://developers.facebook.com/docs/marketing-api/best-practices/manage-your-ad-object-status)."""
    acc, since = busiest_with_ended(graph)
    rng = {"since": since.isoformat(), "until": TODAY.isoformat()}
    account = get(
        graph, acc, [acc.id, "insights"], level="account", time_range=rng, fields="spend,impressions"
    )["data"][0]
    plain = get(
        graph, acc, [acc.id, "insights"], level=level, time_range=rng, fields=f"{level}_id,spend,impressions"
    )["data"]
    asked = get(
        graph,
        acc,
        [acc.id, "insights"],
        level=level,
        time_range=rng,
        fields=f"{level}_id,spend,impressions",
        filtering=[{"field": STATUS_FILTER[level], "operator": "IN", "value": EVERY_STATUS}],
    )["data"]
    via_ad_filter = get(
        graph,
        acc,
        [acc.id, "insights"],
        level=level,
        time_range=rng,
        fields=f"{level}_id,spend",
        filtering=[{"field": "ad.effective_status", "operator": "IN", "value": EVERY_STATUS}],
    )["data"]
    # with the filter: every object, summing exactly to the account's own answer
    assert total(asked) == Decimal(account["spend"]) and total(asked, "impressions") == Decimal(
        account["impressions"]
    )
    assert total(via_ad_filter) == Decimal(account["spend"])
    # without: the ended objects' rows are missing, and only theirs
    ids = {r[f"{level}_id"] for r in plain}
    missing = [r for r in asked if r[f"{level}_id"] not in ids]
    assert missing and total(plain) + total(missing) == Decimal(account["spend"])
    for r in missing:
        assert get(graph, acc, [r[f"{level}_id"]], fields="effective_status")["effective_status"] in (
            "ARCHIVED",
            "DELETED",
        )


def test_breakdowns_with_ended_objects_still_sum_to_account_totals(graph: Graph) -> None:
    acc, since = busiest_with_ended(graph)
    rng = {"since": since.isoformat(), "until": TODAY.isoformat()}
    account = get(
        graph, acc, [acc.id, "insights"], level="account", time_range=rng, fields="spend,impressions"
    )["data"][0]
    for breakdowns in ("age,gender", "publisher_platform", "country"):
        rows = get(
            graph,
            acc,
            [acc.id, "insights"],
            level="ad",
            time_range=rng,
            fields="spend,impressions",
            breakdowns=breakdowns,
            filtering=[{"field": "ad.effective_status", "operator": "IN", "value": EVERY_STATUS}],
        )["data"]
        assert total(rows) == Decimal(account["spend"])
        assert total(rows, "impressions") == Decimal(account["impressions"])
