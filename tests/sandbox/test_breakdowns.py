"""Breakdown and action breakdown combinations: the documented ones answer, others get Meta's error."""

from __future__ import annotations

import json

import pytest

from trafficdash.sandbox.breakdowns import ASSETS

from .test_data import first_account, graph

VALID = [
    ([], ["action_type"]),
    (["age"], ["action_type"]),
    (["age", "gender"], ["action_type"]),
    (["country"], ["action_type"]),
    (["region"], ["action_type"]),
    (["dma"], ["action_type"]),
    (["publisher_platform", "platform_position", "impression_device"], ["action_type"]),
    (["device_platform"], ["action_type"]),
    (["hourly_stats_aggregated_by_advertiser_time_zone"], ["action_type"]),
    (["frequency_value"], ["action_type"]),
    (["product_id"], ["action_type"]),
    (["place_page_id"], ["action_type"]),
    *[([a], ["action_type"]) for a in ASSETS],
    ([], ["action_type", "action_device"]),
    (["publisher_platform", "impression_device"], ["action_device"]),
    ([], ["action_type", "action_reaction"]),
    ([], ["action_destination"]),
    ([], ["action_target_id"]),
    (["age"], ["action_type", "action_carousel_card_id"]),
    (["country"], ["action_carousel_card_name"]),
]
INVALID = [
    (["age", "country"], ["action_type"]),
    (["age", "region"], ["action_type"]),
    (["platform_position"], ["action_type"]),
    (["region", "dma"], ["action_type"]),
    (["body_asset", "title_asset"], ["action_type"]),
    (["hourly_stats_aggregated_by_advertiser_time_zone", "age"], ["action_type"]),
    (["age"], ["action_type", "action_reaction"]),
    (["age"], ["action_device"]),
    (["country"], ["action_destination"]),
    (["region"], ["action_carousel_card_id"]),
]


def _get(
    g, acc: str, breakdowns: list[str], action_breakdowns: list[str], fields: str = "impressions,actions"
):
    user = g.world.users[0]
    params = {
        "access_token": user["access_token"],
        "fields": fields,
        "date_preset": "last_7d",
        "breakdowns": json.dumps(breakdowns),
        "action_breakdowns": json.dumps(action_breakdowns),
        "limit": "5000",
    }
    return g.handle("GET", [acc, "insights"], params, "http://x")


@pytest.fixture(scope="module")
def g():
    return graph()


@pytest.mark.parametrize(("breakdowns", "action_breakdowns"), VALID)
def test_documented_combinations_answer(g, breakdowns, action_breakdowns):
    reply = _get(g, first_account(g), breakdowns, action_breakdowns)
    assert reply.status == 200, reply.body
    rows = reply.body["data"]
    assert rows and all(set(breakdowns) <= set(r) for r in rows)
    extra = [a for a in action_breakdowns if a != "action_type"]
    if extra and extra[0] not in ("action_reaction", "action_carousel_card_id", "action_carousel_card_name"):
        assert all(extra[0] in item for r in rows for item in r.get("actions", []))


@pytest.mark.parametrize(("breakdowns", "action_breakdowns"), INVALID)
def test_other_combinations_get_metas_error(g, breakdowns, action_breakdowns):
    """Meta: Marketing API › Insights API › Breakdowns (https://developers.facebook.com/docs/marketing-api/insights/breakdowns); message text as recorded in public client code."""
    reply = _get(g, first_account(g), breakdowns, action_breakdowns)
    assert reply.status == 400
    err = reply.body["error"]
    assert err["code"] == 100 and err["type"] == "OAuthException"
    columns = ", ".join([*action_breakdowns, *breakdowns])
    assert err["message"] == f"(#100) Current combination of data breakdown columns ({columns}) is invalid "


def test_asset_breakdowns_are_objects_naming_the_creative(g):
    rows = _get(g, first_account(g), ["body_asset"], ["action_type"], "ad_id,impressions").body["data"]
    assert all(isinstance(r["body_asset"], dict) and r["body_asset"]["text"] for r in rows)


@pytest.mark.parametrize(
    ("breakdowns", "action_breakdown"),
    [([], "action_device"), ([], "action_reaction"), (["publisher_platform"], "action_device")],
)
def test_action_breakdown_parts_sum_to_the_action(g, breakdowns, action_breakdown):
    acc = first_account(g)
    fields = "impressions,actions,action_values"
    plain = _get(g, acc, breakdowns, ["action_type"], fields).body["data"]
    split = _get(g, acc, breakdowns, ["action_type", action_breakdown], fields).body["data"]
    assert len(plain) == len(split)
    for p, s in zip(plain, split, strict=True):
        for lst in ("actions", "action_values"):
            want: dict[str, float] = {}
            got: dict[str, float] = {}
            for item in p.get(lst, []):
                want[item["action_type"]] = round(float(item["value"]) * 100)
            for item in s.get(lst, []):
                got[item["action_type"]] = got.get(item["action_type"], 0) + round(float(item["value"]) * 100)
            assert got == want
